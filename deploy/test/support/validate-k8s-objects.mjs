#!/usr/bin/env node
// Validates Kubernetes objects against the OpenAPI schemas compiled into kubernetes-models
// (core APIs), @kubernetes-models/gateway-api and @kubernetes-models/prometheus-operator.
// Those packages are ES modules only, so the jest tests (CommonJS) run this as a child process.
//
// stdin: a JSON array of objects, each { source, object }.
// stdout: a JSON array of { source, kind, name, errors: string[] } for every object; an object
// whose apiVersion/kind has no known schema gets an error too, so nothing passes unchecked.
import { readFileSync } from 'node:fs';

/** Module path of the model class for an apiVersion and kind. */
function modelPath(apiVersion, kind) {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
  if (group === 'gateway.networking.k8s.io') return `@kubernetes-models/gateway-api/${group}/${version}/${kind}`;
  if (group === 'monitoring.coreos.com') return `@kubernetes-models/prometheus-operator/${group}/${version}/${kind}`;
  // kubernetes-models names folders by group, except the core group which is just the version.
  return group === '' ? `kubernetes-models/${version}/${kind}` : `kubernetes-models/${group}/${version}/${kind}`;
}

const items = JSON.parse(readFileSync(0, 'utf8'));
const results = [];
for (const { source, object } of items) {
  const kind = object?.kind ?? '(no kind)';
  const name = object?.metadata?.name ?? '(no name)';
  const errors = [];
  let Model;
  try {
    Model = (await import(modelPath(object.apiVersion ?? '', kind)))[kind];
  } catch {
    Model = undefined;
  }
  if (typeof Model !== 'function') {
    errors.push(`no schema for apiVersion ${object?.apiVersion} kind ${kind}`);
  } else {
    try {
      new Model(object).validate();
    } catch (err) {
      errors.push(err instanceof Error ? err.message : String(err));
    }
  }
  results.push({ source, kind, name, errors });
}
process.stdout.write(JSON.stringify(results));
