{{/*
Names, labels and selectors. Every object carries the recommended app.kubernetes.io labels;
selectors use only the stable subset (name, instance, component), because a Deployment's
selector can never change after install.
*/}}

{{- define "campzone-chat.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Release-qualified name, cut to leave room for the "-gateway"/"-worker" suffixes. */}}
{{- define "campzone-chat.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 55 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 55 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 55 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "campzone-chat.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "campzone-chat.selectorLabels" -}}
app.kubernetes.io/name: {{ include "campzone-chat.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "campzone-chat.labels" -}}
helm.sh/chart: {{ include "campzone-chat.chart" . }}
{{ include "campzone-chat.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: campzone-chat
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/* Usage: include "campzone-chat.componentSelectorLabels" (dict "ctx" $ "component" "gateway") */}}
{{- define "campzone-chat.componentSelectorLabels" -}}
{{ include "campzone-chat.selectorLabels" .ctx }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{- define "campzone-chat.componentLabels" -}}
{{ include "campzone-chat.labels" .ctx }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{- define "campzone-chat.gateway.fullname" -}}
{{- printf "%s-gateway" (include "campzone-chat.fullname" .) }}
{{- end }}

{{- define "campzone-chat.worker.fullname" -}}
{{- printf "%s-worker" (include "campzone-chat.fullname" .) }}
{{- end }}

{{- define "campzone-chat.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "campzone-chat.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* The Secret the pods read: the user's own (secrets.existingSecret) or the chart's. */}}
{{- define "campzone-chat.secretName" -}}
{{- default (include "campzone-chat.fullname" .) .Values.secrets.existingSecret }}
{{- end }}

{{/* repository:tag, or repository@digest when a digest pins the image. */}}
{{- define "campzone-chat.image" -}}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}
{{- end }}

{{/* REDIS_URL: the in-chart Redis when enabled, else the external URL. */}}
{{- define "campzone-chat.redisUrl" -}}
{{- if .Values.redis.enabled }}
{{- $auth := "" }}
{{- if .Values.redis.auth.password }}{{ $auth = printf ":%s@" (urlquery .Values.redis.auth.password) }}{{ end }}
{{- printf "redis://%s%s-redis:6379/0" $auth .Release.Name }}
{{- else }}
{{- required "externalRedis.url is required when redis.enabled is false" .Values.externalRedis.url }}
{{- end }}
{{- end }}

{{/* MONGO_URL: the in-chart MongoDB when enabled, else the external URL. */}}
{{- define "campzone-chat.mongoUrl" -}}
{{- if .Values.mongodb.enabled }}
{{- if .Values.mongodb.auth.rootPassword }}
{{- printf "mongodb://%s:%s@%s-mongodb:27017/?authSource=admin" (urlquery .Values.mongodb.auth.rootUser) (urlquery .Values.mongodb.auth.rootPassword) .Release.Name }}
{{- else }}
{{- printf "mongodb://%s-mongodb:27017" .Release.Name }}
{{- end }}
{{- else }}
{{- required "externalMongodb.url is required when mongodb.enabled is false" .Values.externalMongodb.url }}
{{- end }}
{{- end }}

{{/*
Environment read from the Secret by name. Optional keys stay optional so an existingSecret
need only hold what it uses; the app then says in one line what is missing.
Usage: include "campzone-chat.secretEnv" (dict "ctx" $ "keys" (list "REDIS_URL" ...) "optional" (list ...))
*/}}
{{- define "campzone-chat.secretEnv" -}}
{{- $secret := include "campzone-chat.secretName" .ctx }}
{{- range .keys }}
- name: {{ . }}
  valueFrom:
    secretKeyRef:
      name: {{ $secret }}
      key: {{ . }}
{{- end }}
{{- range .optional }}
- name: {{ . }}
  valueFrom:
    secretKeyRef:
      name: {{ $secret }}
      key: {{ . }}
      optional: true
{{- end }}
{{- end }}

{{/* Non-empty when Redis is reached without REDIS_URL: a Redis Cluster or Sentinel (set in the ConfigMap). */}}
{{- define "campzone-chat.redisWithoutUrl" -}}
{{- if and .Values.externalRedis.clusterNodes .Values.externalRedis.sentinels }}
{{- fail "externalRedis.clusterNodes and externalRedis.sentinels are exclusive: set one" }}
{{- end }}
{{- if or .Values.externalRedis.clusterNodes .Values.externalRedis.sentinels }}true{{ end }}
{{- end }}

{{/* The Secret keys every pod needs: REDIS_URL unless a Redis Cluster or Sentinel is set (in the ConfigMap). */}}
{{- define "campzone-chat.requiredSecretKeys" -}}
{{- if not (include "campzone-chat.redisWithoutUrl" .) }}REDIS_URL,{{ end }}MONGO_URL
{{- end }}

{{/* POD_NAME from the downward API: logs, presence leases and metrics name the pod. */}}
{{- define "campzone-chat.podNameEnv" -}}
- name: POD_NAME
  valueFrom:
    fieldRef:
      fieldPath: metadata.name
{{- end }}

{{/*
Spread constraints from the short form in values, with this component's selector and
pod-template-hash, so a rolling update balances the new ReplicaSet's pods on their own.
Usage: include "campzone-chat.topologySpread" (dict "ctx" $ "component" "gateway" "constraints" list)
*/}}
{{- define "campzone-chat.topologySpread" -}}
{{- $ctx := .ctx }}
{{- $component := .component }}
{{- range .constraints }}
- topologyKey: {{ .topologyKey }}
  maxSkew: {{ .maxSkew }}
  whenUnsatisfiable: {{ .whenUnsatisfiable }}
  labelSelector:
    matchLabels:
      {{- include "campzone-chat.componentSelectorLabels" (dict "ctx" $ctx "component" $component) | nindent 6 }}
  matchLabelKeys:
    - pod-template-hash
{{- end }}
{{- end }}

{{/* Gateway pods must outlive preStop plus the drain and the spread-out disconnects, or Kubernetes kills sockets mid-drain. */}}
{{- define "campzone-chat.gateway.checkDrain" -}}
{{- $d := .Values.gateway.drain }}
{{- $total := add $d.preStopSeconds $d.timeoutSeconds $d.disconnectSeconds | int }}
{{- if le (int .Values.gateway.terminationGracePeriodSeconds) $total }}
{{- fail (printf "gateway.terminationGracePeriodSeconds (%v) must exceed gateway.drain.preStopSeconds + gateway.drain.timeoutSeconds + gateway.drain.disconnectSeconds (%v)" .Values.gateway.terminationGracePeriodSeconds $total) }}
{{- end }}
{{- end }}

{{/* The local attachment store's directory, when attachments.store is local (the root filesystem is read-only). */}}
{{- define "campzone-chat.attachmentsMount" -}}
{{- if eq .Values.attachments.store "local" }}
- name: attachments
  mountPath: /data/attachments
{{- end }}
{{- end }}

{{- define "campzone-chat.attachmentsVolume" -}}
{{- if eq .Values.attachments.store "local" }}
- name: attachments
  {{- if .Values.attachments.local.existingClaim }}
  persistentVolumeClaim:
    claimName: {{ .Values.attachments.local.existingClaim }}
  {{- else }}
  emptyDir: {}
  {{- end }}
{{- end }}
{{- end }}
