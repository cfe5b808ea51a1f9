/**
 * Threat: a frame inside the app window that is not the app itself — an iframe (even one showing
 * the app's own page, which a compromised renderer can create), another window, or a frame that
 * navigated away — calls the API over IPC. Handlers answer only the main frame of NedraDesk's own
 * window showing the app page; the decision is a pure function, tested here without Electron.
 */
import { describe, expect, it } from 'vitest';
import { isTrustedSender, type IpcSenderEvent, type IpcSenderFrame } from '../../src/main/app/security';

const appUrl = 'file:///opt/NedraDesk/resources/app.asar/dist/renderer/index.html';
const appContentsId = 7;

/** The app window: its main frame shows the app page; `child` is an iframe inside it. */
function appWindow(mainUrl = appUrl): { mainFrame: IpcSenderFrame; child(url: string): IpcSenderFrame; from(frame: IpcSenderFrame | null, contentsId?: number): IpcSenderEvent } {
  const mainFrame: IpcSenderFrame = { url: mainUrl, parent: null, processId: 12, routingId: 1 };
  return {
    mainFrame,
    child: (url) => ({ url, parent: mainFrame, processId: 12, routingId: 5 }),
    from: (frame, contentsId = appContentsId) => ({ senderFrame: frame, sender: { id: contentsId, mainFrame } }),
  };
}

describe('IPC answers only the main frame of the app window', () => {
  it('accepts the main frame showing the app page, with a route in its fragment', () => {
    const window = appWindow();
    expect(isTrustedSender(window.from(window.mainFrame), appUrl, appContentsId)).toBe(true);
    const routed = appWindow(`${appUrl}#/packages`);
    expect(isTrustedSender(routed.from(routed.mainFrame), appUrl, appContentsId)).toBe(true);
  });

  it("refuses a subframe even when it shows the app's own URL", () => {
    const window = appWindow();
    expect(isTrustedSender(window.from(window.child(appUrl)), appUrl, appContentsId)).toBe(false);
  });

  it('refuses a frame claiming to be the main frame while its ids say otherwise', () => {
    const window = appWindow();
    const impostor: IpcSenderFrame = { url: appUrl, parent: null, processId: 12, routingId: 9 };
    expect(isTrustedSender(window.from(impostor), appUrl, appContentsId)).toBe(false);
  });

  it('refuses a different origin or page, in the main frame or a subframe', () => {
    for (const url of ['https://evil.example/', 'http://127.0.0.1:5790/', 'file:///home/user/evil.html', 'about:blank', 'not a url']) {
      const window = appWindow(url);
      expect(isTrustedSender(window.from(window.mainFrame), appUrl, appContentsId), url).toBe(false);
      expect(isTrustedSender(appWindow().from(appWindow().child(url)), appUrl, appContentsId), url).toBe(false);
    }
  });

  it('refuses a null frame (navigated or destroyed) and a frame that throws when read (disposed)', () => {
    const window = appWindow();
    expect(isTrustedSender(window.from(null), appUrl, appContentsId)).toBe(false);
    const disposed = {
      get url(): string {
        throw new Error('Render frame was disposed before WebFrameMain could be accessed');
      },
      parent: null,
      processId: 12,
      routingId: 1,
    };
    expect(isTrustedSender({ senderFrame: disposed, sender: { id: appContentsId, mainFrame: disposed } }, appUrl, appContentsId)).toBe(false);
  });

  it("refuses the main frame of another window, and every frame once the app window is gone", () => {
    const window = appWindow();
    expect(isTrustedSender(window.from(window.mainFrame, appContentsId + 1), appUrl, appContentsId)).toBe(false);
    expect(isTrustedSender(window.from(window.mainFrame), appUrl, undefined)).toBe(false);
  });
});
