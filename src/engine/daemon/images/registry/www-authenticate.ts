/** Parsing of WWW-Authenticate challenges (RFC 7235): `Bearer realm="...",service="...",scope="..."`. */

export interface AuthChallenge {
  /** Lowercase scheme: `bearer`, `basic`. */
  scheme: string;
  params: Record<string, string>;
}

/** Every challenge in a header value; parameter names lowercased, quoted values unescaped. */
export function parseWwwAuthenticate(header: string): AuthChallenge[] {
  const challenges: AuthChallenge[] = [];
  let at = 0;
  const text = header.trim();
  while (at < text.length) {
    const scheme = /^\s*,?\s*([A-Za-z][A-Za-z0-9._~+/-]*)/.exec(text.slice(at));
    if (!scheme) break;
    at += scheme[0].length;
    const challenge: AuthChallenge = { scheme: scheme[1]!.toLowerCase(), params: {} };
    for (;;) {
      const param = /^\s*,?\s*([A-Za-z0-9_-]+)\s*=\s*("((?:[^"\\]|\\.)*)"|[^\s,]*)/.exec(text.slice(at));
      if (!param) break;
      // a bare word after a comma is the next challenge's scheme, not a parameter
      at += param[0].length;
      const value = param[3] !== undefined ? param[3].replace(/\\(.)/g, '$1') : param[2]!;
      challenge.params[param[1]!.toLowerCase()] = value;
    }
    challenges.push(challenge);
  }
  return challenges;
}
