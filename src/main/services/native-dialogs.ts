/**
 * The system's file dialogs, which only the desktop shell has (src/main/app shows them). What the
 * user picks there is a path main may use: the renderer never names one (design §6).
 */
export interface NativeDialogs {
  /** A file the user picks in the system's open dialog; undefined when the dialog was cancelled. */
  openFile(options: { title: string; filters?: Array<{ name: string; extensions: string[] }> }): Promise<string | undefined>;
}
