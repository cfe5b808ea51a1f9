import type { ApiHandlers, AppInfo } from '../../shared/api';

/** What the shell tells the services about where they run. */
export interface ServiceContext {
  mode: AppInfo['mode'];
  version: string;
}

/** Builds the implementation of every call of the API contract. */
export function createHandlers(context: ServiceContext): ApiHandlers {
  return {
    'app:info': async () => ({
      name: 'NedraDesk',
      version: context.version,
      mode: context.mode,
      platform: process.platform,
    }),
  };
}
