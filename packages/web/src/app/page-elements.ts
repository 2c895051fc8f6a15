import { byId } from './dom-element';

/** Every element of index.html the code drives, looked up once and checked. */
export function pageElements() {
  return {
    banner: byId('connection-banner', HTMLDivElement),
    bannerText: byId('connection-banner-text', HTMLSpanElement),
    bannerAction: byId('connection-banner-action', HTMLButtonElement),
    whoami: byId('whoami', HTMLDivElement),
    whoamiName: byId('whoami-name', HTMLSpanElement),
    signOut: byId('sign-out', HTMLButtonElement),
    notice: byId('notice', HTMLParagraphElement),

    signInView: byId('sign-in-view', HTMLElement),
    devForm: byId('dev-sign-in', HTMLFormElement),
    userId: byId('user-id', HTMLInputElement),
    displayName: byId('display-name', HTMLInputElement),
    tokenForm: byId('token-sign-in', HTMLFormElement),
    token: byId('token', HTMLTextAreaElement),
    useToken: byId('use-token', HTMLButtonElement),
    useDevToken: byId('use-dev-token', HTMLButtonElement),
    signInError: byId('sign-in-error', HTMLParagraphElement),

    chatView: byId('chat-view', HTMLDivElement),
    roomList: byId('room-list', HTMLUListElement),
    roomSearch: byId('room-search', HTMLInputElement),
    refreshRooms: byId('refresh-rooms', HTMLButtonElement),
    createRoomForm: byId('create-room-form', HTMLFormElement),
    roomName: byId('room-name', HTMLInputElement),
    roomType: byId('room-type', HTMLSelectElement),
    roomParticipants: byId('room-participants', HTMLInputElement),
    createRoomError: byId('create-room-error', HTMLParagraphElement),
    roomTitle: byId('room-title', HTMLHeadingElement),
    loadOlder: byId('load-older', HTMLButtonElement),
    messages: byId('messages', HTMLOListElement),
    typingLine: byId('typing-line', HTMLParagraphElement),
    composerForm: byId('composer-form', HTMLFormElement),
    composer: byId('composer', HTMLTextAreaElement),
    send: byId('send', HTMLButtonElement),
    attach: byId('attach', HTMLButtonElement),
    attachInput: byId('attach-input', HTMLInputElement),
    uploadTray: byId('upload-tray', HTMLUListElement),
    conversation: byId('conversation', HTMLElement),
    onlineHeading: byId('online-heading', HTMLHeadingElement),
    onlineList: byId('online-list', HTMLUListElement),
  };
}

export type PageElements = ReturnType<typeof pageElements>;
