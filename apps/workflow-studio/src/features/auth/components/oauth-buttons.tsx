import { useSignInProviders } from '../api/providers';

/** "Continue with …" links for the providers the server has configured; nothing when none are. */
export function OAuthButtons() {
  const { data } = useSignInProviders();
  const providers = data?.providers ?? [];
  if (providers.length === 0) return null;
  return (
    <div className="oauth-buttons" aria-label="Other ways to sign in">
      <div className="oauth-buttons__divider">
        <span>or</span>
      </div>
      {providers.map((p) => (
        <a key={p.id} className="ds-button ds-button--secondary" href={p.startUrl} data-testid={`oauth-${p.id}`}>
          Continue with {p.name}
        </a>
      ))}
    </div>
  );
}
