/**
 * Preload: builds the typed bridge from the API contract. One method per call; the renderer
 * never sees ipcRenderer itself. Runs sandboxed, so only `electron` may be required here.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { apiEventNames, apiMethodNames, ipcChannelOf, ipcEventChannelOf, type NedraDeskBridge } from '../shared/api';

const methods = Object.fromEntries(
  apiMethodNames.map((method) => [method, (input: unknown) => ipcRenderer.invoke(ipcChannelOf(method), input)]),
) as NedraDeskBridge['methods'];

const bridge: NedraDeskBridge = {
  methods,
  on(event, listener) {
    if (!apiEventNames.includes(event)) throw new Error(`unknown event ${event}`);
    const channel = ipcEventChannelOf(event);
    const wrapped = (_event: IpcRendererEvent, payload: unknown): void => listener(payload as Parameters<typeof listener>[0]);
    ipcRenderer.on(channel, wrapped);
    return () => ipcRenderer.removeListener(channel, wrapped);
  },
};

contextBridge.exposeInMainWorld('nedradesk', bridge);
