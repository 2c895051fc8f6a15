import type { AttachmentUploader } from './attachment-upload';
import { h } from './dom-element';

export interface AttachmentComposerDeps {
  uploader: AttachmentUploader;
  button: HTMLButtonElement;
  input: HTMLInputElement;
  /** Where uploads in flight are listed, each with its progress. */
  tray: HTMLUListElement;
  /** Pastes of files land here. */
  composer: HTMLTextAreaElement;
  /** Files dropped anywhere on it are attached. */
  dropZone: HTMLElement;
  activeRoom: () => string | undefined;
  /** Sends one ready attachment as its own message. */
  send: (roomId: string, name: string, messageType: 'image' | 'file', attachmentId: string) => void;
  notify: (text: string) => void;
}

/**
 * Attach by button, paste or drag-and-drop: each file is uploaded with a progress bar, waits
 * until the server has processed it, then goes out as an `image` or `file` message to the room
 * that was open when it was attached.
 */
export class AttachmentComposer {
  constructor(private readonly deps: AttachmentComposerDeps) {
    const { button, input, composer, dropZone } = deps;
    // Enabled with the composer: only when a room is open and may be written to.
    const follow = () => {
      button.disabled = composer.disabled;
    };
    new MutationObserver(follow).observe(composer, { attributes: true, attributeFilter: ['disabled'] });
    follow();
    button.addEventListener('click', () => input.click());
    input.addEventListener('change', () => {
      this.attach([...(input.files ?? [])]);
      input.value = '';
    });
    composer.addEventListener('paste', (event) => {
      const files = [...(event.clipboardData?.files ?? [])];
      if (files.length === 0) return;
      event.preventDefault();
      this.attach(files);
    });
    dropZone.addEventListener('dragover', (event) => {
      if (!event.dataTransfer?.types.includes('Files')) return;
      event.preventDefault();
      dropZone.classList.add('dropping');
    });
    dropZone.addEventListener('dragleave', () => dropZone.classList.remove('dropping'));
    dropZone.addEventListener('drop', (event) => {
      dropZone.classList.remove('dropping');
      const files = [...(event.dataTransfer?.files ?? [])];
      if (files.length === 0) return;
      event.preventDefault();
      this.attach(files);
    });
  }

  attach(files: File[]): void {
    const roomId = this.deps.activeRoom();
    if (!roomId) {
      this.deps.notify('Open a room to attach files.');
      return;
    }
    for (const file of files) void this.uploadOne(roomId, file);
  }

  private async uploadOne(roomId: string, file: File): Promise<void> {
    const progress = h('progress', { attrs: { max: '1', value: '0', 'aria-label': `Uploading ${file.name}` } });
    const state = h('span', { className: 'upload-state' }, 'uploading');
    const item = h('li', { className: 'upload' }, h('span', { className: 'upload-name' }, file.name || 'pasted image'), progress, state);
    this.deps.tray.append(item);
    try {
      const uploaded = await this.deps.uploader.upload(roomId, file, (fraction) => {
        progress.value = fraction;
      });
      progress.value = 1;
      state.textContent = 'processing';
      const ready = await this.deps.uploader.settled(roomId, uploaded.attachmentId);
      this.deps.send(roomId, ready.name, ready.contentType.startsWith('image/') ? 'image' : 'file', ready.attachmentId);
      item.remove();
    } catch (err) {
      state.textContent = 'failed';
      item.classList.add('failed');
      this.deps.notify(`${file.name || 'The file'} was not attached: ${err instanceof Error ? err.message : String(err)}`);
      setTimeout(() => item.remove(), 8000);
    }
  }
}
