import type { RoomType } from '@campzone/protocol';
import type { ChatApp } from './chat-app';
import type { PageElements } from './page-elements';
import { parseParticipants } from './participants-input';

const ROOM_TYPES: readonly RoomType[] = ['group', 'one-to-one', 'class', 'department', 'club'];

function isRoomType(value: string): value is RoomType {
  return (ROOM_TYPES as readonly string[]).includes(value);
}

/** The "New room" form: POST /v1/rooms with the caller as admin, then opens the room. */
export function bindCreateRoomForm(ui: PageElements, app: ChatApp, selfId: string): void {
  ui.createRoomForm.addEventListener('submit', (event) => {
    event.preventDefault();
    ui.createRoomError.textContent = '';
    const roomName = ui.roomName.value.trim();
    const roomType = ui.roomType.value;
    const parsed = parseParticipants(ui.roomParticipants.value, selfId);
    if (!roomName) return fail('Give the room a name.', ui.roomName);
    if (!isRoomType(roomType)) return fail('Pick a room type.', ui.roomType);
    if ('error' in parsed) return fail(parsed.error, ui.roomParticipants);
    if (roomType === 'one-to-one' && parsed.userIds.length !== 1) {
      return fail('A one-to-one room has exactly one other participant.', ui.roomParticipants);
    }
    const submit = ui.createRoomForm.querySelector('button[type="submit"]');
    if (submit instanceof HTMLButtonElement) submit.disabled = true;
    app
      .createRoom({ roomName, roomType, participants: parsed.userIds })
      .then(() => {
        ui.createRoomForm.reset();
        ui.createRoomForm.closest('details')?.removeAttribute('open');
      })
      .catch((err: unknown) => fail(err instanceof Error ? err.message : String(err), ui.roomName))
      .finally(() => {
        if (submit instanceof HTMLButtonElement) submit.disabled = false;
      });
  });

  function fail(message: string, field: HTMLElement): void {
    ui.createRoomError.textContent = message;
    field.focus();
  }
}
