import { describe, expect, it, vi } from 'vitest';
import {
  decideWindowOpen,
  isAllowedExternalLink,
  isAllowedNavigation,
  isTrustedSender,
  secureWebPreferences,
} from '../../src/main/app/security';

const appUrl = 'file:///opt/NedraDesk/resources/app.asar/dist/renderer/index.html';

describe('Electron window security', () => {
  it('pins the webPreferences of every window', () => {
    expect(secureWebPreferences('/app/preload.cjs')).toEqual({
      preload: '/app/preload.cjs',
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
    });
  });

  it('denies every new window and sends only allow-listed links to the system browser', () => {
    const openExternal = vi.fn();
    expect(decideWindowOpen({ url: 'https://www.gosuslugi.ru/help' }, openExternal)).toEqual({ action: 'deny' });
    expect(openExternal).toHaveBeenCalledWith('https://www.gosuslugi.ru/help');
    openExternal.mockClear();
    expect(decideWindowOpen({ url: 'https://evil.example/phish' }, openExternal)).toEqual({ action: 'deny' });
    expect(decideWindowOpen({ url: 'file:///etc/passwd' }, openExternal)).toEqual({ action: 'deny' });
    expect(openExternal).not.toHaveBeenCalled();
    expect(isAllowedExternalLink('https://www.gosuslugi.ru.evil.example/')).toBe(false);
  });

  it('sends the cabinet login page of the running login to the system browser, and nothing else new', () => {
    const openExternal = vi.fn();
    const loginPage = 'http://127.0.0.1:5790/idp/authorize?client_id=nedradesk&state=abc';
    const isLoginPage = (url: string): boolean => url === loginPage;
    expect(decideWindowOpen({ url: loginPage }, openExternal, isLoginPage)).toEqual({ action: 'deny' });
    expect(openExternal).toHaveBeenCalledWith(loginPage);
    openExternal.mockClear();
    expect(decideWindowOpen({ url: 'http://127.0.0.1:5790/idp/authorize?client_id=other' }, openExternal, isLoginPage)).toEqual({ action: 'deny' });
    expect(openExternal).not.toHaveBeenCalled();
  });

  it('allows navigation only within the app page', () => {
    expect(isAllowedNavigation(`${appUrl}#/packages`, appUrl)).toBe(true);
    expect(isAllowedNavigation('https://example.org/', appUrl)).toBe(false);
    expect(isAllowedNavigation('file:///home/user/evil.html', appUrl)).toBe(false);
    expect(isAllowedNavigation('not a url', appUrl)).toBe(false);
  });

  it('trusts IPC only from the app top frame', () => {
    const fromMainFrame = (url: string) => {
      const mainFrame = { url, parent: null, processId: 4, routingId: 1 };
      return { senderFrame: mainFrame, sender: { id: 1, mainFrame } };
    };
    expect(isTrustedSender(fromMainFrame(appUrl), appUrl, 1)).toBe(true);
    expect(isTrustedSender({ ...fromMainFrame(appUrl), senderFrame: null }, appUrl, 1)).toBe(false);
    expect(isTrustedSender(fromMainFrame('https://example.org/'), appUrl, 1)).toBe(false);
  });
});
