import type { PageElements } from './page-elements';
import { isUserId } from './participants-input';
import type { RestApi } from './rest-api';
import type { Session } from './session.store';
import { isExpired, readTokenClaims } from './token-claims';

/**
 * Sign-in: with dev tokens on (AUTH_DEV_TOKENS=true, the demo), any user id and display name
 * get a token from POST /v1/dev/token; otherwise the user pastes a token their campus issued.
 */
export async function signIn(ui: PageElements, api: RestApi): Promise<Session> {
  ui.signInView.hidden = false;
  const devTokens = await api.devTokensEnabled().catch(() => false);
  useForm(ui, devTokens ? 'dev' : 'token');
  ui.useDevToken.hidden = !devTokens;
  ui.useToken.addEventListener('click', () => useForm(ui, 'token'));
  ui.useDevToken.addEventListener('click', () => useForm(ui, 'dev'));

  return new Promise<Session>((resolve) => {
    ui.devForm.addEventListener('submit', (event) => {
      event.preventDefault();
      const userId = ui.userId.value.trim();
      const displayName = ui.displayName.value.trim() || userId;
      if (!isUserId(userId)) return showError(ui, 'A user id is 1 to 64 letters, digits, _ or -.', ui.userId);
      api.devToken(userId, displayName).then(
        ({ token }) => resolve({ token, userId, displayName }),
        (err: unknown) => showError(ui, `Sign-in failed: ${err instanceof Error ? err.message : String(err)}`, ui.userId),
      );
    });
    ui.tokenForm.addEventListener('submit', (event) => {
      event.preventDefault();
      const token = ui.token.value.trim();
      const claims = readTokenClaims(token);
      if (!claims) return showError(ui, 'That is not a JWT with a user id (sub).', ui.token);
      if (isExpired(claims)) return showError(ui, 'That token has expired.', ui.token);
      resolve({ token, userId: claims.sub, displayName: claims.username ?? claims.sub });
    });
  });
}

function useForm(ui: PageElements, kind: 'dev' | 'token'): void {
  ui.devForm.hidden = kind !== 'dev';
  ui.tokenForm.hidden = kind !== 'token';
  ui.signInError.textContent = '';
  (kind === 'dev' ? ui.userId : ui.token).focus();
}

function showError(ui: PageElements, message: string, field: HTMLElement): void {
  ui.signInError.textContent = message;
  field.focus();
}
