import type { ShellDialogs } from '../handlers/context';
import type { DialogLike } from './electron-api';

/** The handlers' ShellDialogs over Electron's dialog module: the project folder picker. */
export function folderDialogs(dialog: DialogLike): ShellDialogs {
  return {
    async pickFolder({ purpose }) {
      const result = await dialog.showOpenDialog({
        title: purpose === 'new' ? 'Choose a folder for the new project' : 'Open a project folder',
        buttonLabel: purpose === 'new' ? 'Use this folder' : 'Open project',
        properties: ['openDirectory', 'createDirectory', 'dontAddToRecent'],
      });
      return result.canceled ? null : (result.filePaths[0] ?? null);
    },
    ...(dialog.showSaveDialog === undefined ? {} : { saveFile: saveFileWith(dialog.showSaveDialog.bind(dialog)) }),
  };
}

/** The save dialog of the sovereignty report's export: the chosen path, or null when cancelled. */
function saveFileWith(showSaveDialog: NonNullable<DialogLike['showSaveDialog']>): NonNullable<ShellDialogs['saveFile']> {
  return async ({ title, defaultName, filters }) => {
    const result = await showSaveDialog({ title, defaultPath: defaultName, buttonLabel: 'Save', filters, properties: ['showOverwriteConfirmation', 'createDirectory', 'dontAddToRecent'] });
    return result.canceled || result.filePath === undefined || result.filePath === '' ? null : result.filePath;
  };
}
