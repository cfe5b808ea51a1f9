/**
 * The Content-Security-Policy of NedraDesk's UI, one for both shells (Electron and browser mode).
 * Nothing is loaded from elsewhere, nothing may be framed, and the UI may be framed by nobody.
 */
export const contentSecurityPolicy = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "frame-src 'none'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');
