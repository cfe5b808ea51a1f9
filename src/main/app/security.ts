/**
 * Electron security settings, kept in one place so that a unit test can pin them
 * (Electron security checklist: sandbox, context isolation, no node integration, CSP,
 * navigation and new windows denied, IPC senders checked).
 */
import type { BrowserWindowConstructorOptions, HandlerDetails, WebContents } from 'electron';
import { isAllowedCabinetAddress } from '../../shared/cabinet-address';
import { contentSecurityPolicy } from '../../shared/content-security';

export { contentSecurityPolicy };

/** Addresses that may open in the system browser; everything else is denied. */
export const externalLinkAllowList: readonly string[] = ['https://www.gosuslugi.ru/', 'https://esia.gosuslugi.ru/', 'https://rosnedra.gov.ru/'];

/** The webPreferences of every NedraDesk window. */
export function secureWebPreferences(preloadPath: string): NonNullable<BrowserWindowConstructorOptions['webPreferences']> {
  return {
    preload: preloadPath,
    sandbox: true,
    contextIsolation: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    spellcheck: false,
  };
}

/** Whether `url` may be handed to the system browser. */
export function isAllowedExternalLink(url: string): boolean {
  return externalLinkAllowList.some((prefix) => url.startsWith(prefix));
}

/** Decision for `setWindowOpenHandler`: never a new window; allowed links go to the system browser. */
export function decideWindowOpen(details: Pick<HandlerDetails, 'url'>, openExternal: (url: string) => void, alsoAllowed: (url: string) => boolean = () => false): { action: 'deny' } {
  // The cabinet's own login page (its address is known only at run time) opens in the system browser too.
  // Whatever allowed it, the address policy is asked last: no smb:, file:, javascript: … and no
  // plain http beyond this computer ever reaches shell.openExternal.
  if ((isAllowedExternalLink(details.url) || alsoAllowed(details.url)) && isAllowedCabinetAddress(details.url)) openExternal(details.url);
  return { action: 'deny' };
}

/** Whether a navigation of the app window to `url` may proceed: only within the app's own page. */
export function isAllowedNavigation(url: string, appUrl: string): boolean {
  try {
    const target = new URL(url);
    const own = new URL(appUrl);
    return target.protocol === own.protocol && target.host === own.host && target.pathname === own.pathname;
  } catch {
    return false;
  }
}

/** Applies the navigation and new-window rules to a window's contents. */
export function hardenWebContents(contents: WebContents, appUrl: string, openExternal: (url: string) => void, alsoAllowed?: (url: string) => boolean): void {
  contents.setWindowOpenHandler((details) => decideWindowOpen(details, openExternal, alsoAllowed));
  contents.on('will-navigate', (event, url) => {
    if (!isAllowedNavigation(url, appUrl)) event.preventDefault();
  });
  contents.on('will-redirect', (event, url) => {
    if (!isAllowedNavigation(url, appUrl)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
}

/** The parts of a frame the IPC sender check reads (Electron's WebFrameMain has them). */
export interface IpcSenderFrame {
  readonly url: string;
  readonly parent: IpcSenderFrame | null;
  readonly processId: number;
  readonly routingId: number;
}

/** The parts of an IPC event the sender check reads (Electron's IpcMainInvokeEvent has them). */
export interface IpcSenderEvent {
  /** The frame that sent the message; null when it navigated away or was destroyed since. */
  readonly senderFrame: IpcSenderFrame | null | undefined;
  /** The web contents the frame lives in. */
  readonly sender: { readonly id: number; readonly mainFrame: IpcSenderFrame };
}

/**
 * Whether an IPC message comes from the main frame of NedraDesk's own window showing the app page
 * (Electron security checklist §17, "Validate the sender of all IPC messages"). A URL check alone
 * would let an iframe showing the app's own page, or another window, speak for the app: the
 * contents must be the app window's (`appContentsId`), the frame its main frame, and the URL the
 * app page. A frame that is gone (null, or disposed so that reading it throws) is refused.
 */
export function isTrustedSender(event: IpcSenderEvent, appUrl: string, appContentsId: number | undefined): boolean {
  try {
    const frame = event.senderFrame;
    if (frame === null || frame === undefined || appContentsId === undefined) return false;
    if (event.sender.id !== appContentsId) return false;
    const mainFrame = event.sender.mainFrame;
    // WebFrameMain objects are cached per frame, so the main frame is the same object; the ids
    // (unique per renderer process) say the same thing should a wrapper ever be recreated.
    const isMainFrame = frame.parent === null && (frame === mainFrame || (frame.processId === mainFrame.processId && frame.routingId === mainFrame.routingId));
    return isMainFrame && isAllowedNavigation(frame.url, appUrl);
  } catch {
    // Reading a disposed frame throws ("Render frame was disposed"): it cannot be trusted.
    return false;
  }
}
