/**
 * The Content-Security-Policy of NedraDesk's UI, one for both shells (Electron and browser mode).
 * `frame-src blob:` lets the review step show the rendered printable form, a PDF produced by main
 * and handed over as bytes; nothing else may be framed and nothing is loaded from elsewhere.
 */
export const contentSecurityPolicy = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "frame-src blob:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');
