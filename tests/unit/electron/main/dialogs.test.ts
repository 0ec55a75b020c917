import { describe, expect, it } from 'vitest';
import { folderDialogs } from '../../../../electron/main/dialogs';
import type { DialogLike, OpenDialogOptionsLike } from '../../../../electron/main/electron-api';

// The folder picker over Electron's dialog module (no Electron binary here: a recording dialog of
// the same shape, as the other main-process tests use).
function recordingDialog(answer: { canceled: boolean; filePaths: string[] }): { dialog: DialogLike; asked: OpenDialogOptionsLike[] } {
  const asked: OpenDialogOptionsLike[] = [];
  return { asked, dialog: { showOpenDialog: async (options) => (asked.push(options), answer) } };
}

describe('the folder dialog', () => {
  it('asks for a folder (one that may be created) and answers the chosen path', async () => {
    const { dialog, asked } = recordingDialog({ canceled: false, filePaths: ['/home/ana/films/new'] });
    expect(await folderDialogs(dialog).pickFolder({ purpose: 'new' })).toBe('/home/ana/films/new');
    expect(asked[0]?.properties).toEqual(expect.arrayContaining(['openDirectory', 'createDirectory']));
    expect(asked[0]?.buttonLabel).toBe('Use this folder');
  });

  it('answers null when the user cancels', async () => {
    const { dialog } = recordingDialog({ canceled: true, filePaths: [] });
    expect(await folderDialogs(dialog).pickFolder({ purpose: 'open' })).toBeNull();
  });
});
