import { ChatApp } from './chat-app';
import { bindCreateRoomForm } from './create-room.form';
import { pageElements } from './page-elements';
import { RestApi } from './rest-api';
import { clearSession, loadSession, type Session, saveSession } from './session.store';
import { signIn } from './sign-in.form';

// Entry point of the page: restore this tab's session or sign in, then run the chat.

async function main(): Promise<void> {
  const ui = pageElements();
  const storage = window.sessionStorage;
  const api = new RestApi();
  let session: Session | undefined = loadSession(storage);
  if (!session) {
    session = await signIn(ui, api);
    saveSession(storage, session);
  }
  ui.signInView.hidden = true;
  ui.chatView.hidden = false;
  ui.whoami.hidden = false;
  ui.whoamiName.textContent = session.displayName === session.userId ? session.userId : `${session.displayName} (${session.userId})`;

  let app: ChatApp | undefined;
  const signOut = () => {
    clearSession(storage);
    // Reloading is the simplest way back to a clean page; close() first keeps unsent messages.
    void (app?.close() ?? Promise.resolve()).finally(() => window.location.reload());
  };
  ui.signOut.addEventListener('click', signOut);
  app = new ChatApp(session, api.withToken(session.token), ui, signOut);
  bindCreateRoomForm(ui, app, session.userId);
  await app.start();
}

main().catch((err: unknown) => {
  const notice = document.getElementById('notice');
  if (notice) {
    notice.textContent = `The page failed to start: ${err instanceof Error ? err.message : String(err)}`;
    notice.hidden = false;
  }
});
