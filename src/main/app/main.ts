/**
 * Electron main process: lifecycle, the one window, security and IPC registration.
 * This folder is the only place that imports electron (lint rule `layering`).
 */
import { app, BrowserWindow, dialog, Menu, Notification, session, shell } from 'electron';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createAppServices, type AppServices } from '../services/app-services';
import { dataDirFromArguments, resolveDataDir } from '../core/files/data-dir';
import { appVersion } from '../version';
import { apiEventNames, ipcEventChannelOf, type ApiEventName, type ApiEvents } from '../../shared/api';
import { packageStatuses } from '../../shared/cabinet';
import { registerApiChannels } from './ipc';
import { buildApplicationMenu } from './menu';
import { contentSecurityPolicy, hardenWebContents, secureWebPreferences } from './security';
import { utilityProcessLauncher } from './token-launcher';
import { loadWindowState, saveWindowState } from './window-state';

const rendererIndex = path.join(__dirname, '..', 'renderer', 'index.html');
const appUrl = pathToFileURL(rendererIndex).toString();
let mainWindow: BrowserWindow | undefined;
let services: AppServices | undefined;
// The data folder the command line and `npm run stand` find too (data-dir.ts), not Electron's own
// userData, which follows the package name in a development run (~/.config/nedradesk) and would
// leave the app and `npm run stand -- demo-token` with different training CAs.
const dataDir = resolveDataDir(dataDirFromArguments(process.argv.slice(1)));

/** Pushes an event of the contract to the window. */
function emit<E extends ApiEventName>(event: E, payload: ApiEvents[E]): void {
  if (!apiEventNames.includes(event) || mainWindow === undefined || mainWindow.isDestroyed()) return;
  mainWindow.webContents.send(ipcEventChannelOf(event), payload);
}

function createMainWindow(): BrowserWindow {
  const state = loadWindowState(app.getPath('userData'));
  const window = new BrowserWindow({
    title: 'NedraDesk',
    width: state.width,
    height: state.height,
    ...(state.x !== undefined && state.y !== undefined ? { x: state.x, y: state.y } : {}),
    minWidth: 800,
    minHeight: 600,
    show: false,
    backgroundColor: '#f5f7fa',
    webPreferences: secureWebPreferences(path.join(__dirname, '..', 'preload', 'preload.cjs')),
  });
  if (state.maximized) window.maximize();
  hardenWebContents(window.webContents, appUrl, (url) => void shell.openExternal(url), (url) => services?.cabinet.isLoginPage(url) === true);
  window.once('ready-to-show', () => window.show());
  window.on('close', () => {
    const bounds = window.getNormalBounds();
    saveWindowState(app.getPath('userData'), { ...bounds, maximized: window.isMaximized() });
  });
  void window.loadURL(appUrl);
  return window;
}

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => {
    if (mainWindow === undefined) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });

  app.on('web-contents-created', (_event, contents) => {
    // Deny by default for any contents, including ones created later.
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  });

  void app.whenReady().then(() => {
    session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
      callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [contentSecurityPolicy] } });
    });
    session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
    Menu.setApplicationMenu(buildApplicationMenu());
    services = createAppServices({
      mode: 'electron',
      version: appVersion,
      dataDir,
      launchTokenProcess: utilityProcessLauncher(),
      // What the user picks in the system's dialog is the only path main takes from the UI's side.
      dialogs: {
        openFile: async (options) => {
          const chosen = mainWindow === undefined ? await dialog.showOpenDialog({ ...options, properties: ['openFile'] }) : await dialog.showOpenDialog(mainWindow, { ...options, properties: ['openFile'] });
          return chosen.canceled ? undefined : chosen.filePaths[0];
        },
      },
      emit,
      // A desktop notification: the accountant need not keep the window in view.
      onPackageStatus: (item) => {
        if (item.orderId !== undefined && Notification.isSupported()) new Notification({ title: 'NedraDesk', body: `«${item.title}»: ${packageStatuses[item.status]}` }).show();
      },
    });
    registerApiChannels(services.dispatch, appUrl, () => (mainWindow === undefined || mainWindow.isDestroyed() ? undefined : mainWindow.webContents.id));
    mainWindow = createMainWindow();
  });

  app.on('window-all-closed', () => app.quit());
  // PKCS#11 modules are finalised (the token process does C_Finalize) and the database closed before the app leaves.
  app.on('will-quit', (event) => {
    if (services === undefined) return;
    const closing = services;
    services = undefined;
    event.preventDefault();
    void closing.close().finally(() => app.quit());
  });
}
