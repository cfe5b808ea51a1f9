import { ipcMain, type IpcMainInvokeEvent } from 'electron';
import { apiMethodNames, ipcChannelOf } from '../../shared/api';
import { AppError } from '../../shared/errors';
import type { Dispatcher } from '../services/dispatch';
import { isTrustedSender } from './security';

/**
 * Registers one IPC channel per call of the contract; every sender is checked first: only the main
 * frame of the app window (`appContentsId()`, the id of its web contents) showing the app page.
 */
export function registerApiChannels(dispatch: Dispatcher, appUrl: string, appContentsId: () => number | undefined): void {
  for (const method of apiMethodNames) {
    ipcMain.handle(ipcChannelOf(method), async (event: IpcMainInvokeEvent, input: unknown) => {
      if (!isTrustedSender(event, appUrl, appContentsId())) {
        return { ok: false, error: new AppError('INVALID_INPUT', { reason: 'untrusted sender' }).toData() };
      }
      return dispatch(method, input);
    });
  }
}
