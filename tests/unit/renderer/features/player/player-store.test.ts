import { describe, expect, it } from 'vitest';
import { createPlayerStore } from '../../../../../renderer/src/features/player/player-store';

describe('the player store', () => {
  it('steps one frame at a time within the sequence, pausing first', () => {
    const player = createPlayerStore();
    player.getState().setLength(10);
    player.getState().play();
    expect(player.getState().playing).toBe(true);
    const seekId = player.getState().seekId;
    player.getState().step(1);
    expect(player.getState()).toMatchObject({ playing: false, frame: 1 });
    expect(player.getState().seekId).toBe(seekId + 1);
    player.getState().step(-1);
    player.getState().step(-1);
    expect(player.getState().frame).toBe(0);
    player.getState().seek(42);
    expect(player.getState().frame).toBe(9);
    player.getState().step(1);
    expect(player.getState().frame).toBe(9);
  });

  it('toggles play, restarts from the beginning at the end, and does nothing on an empty sequence', () => {
    const player = createPlayerStore();
    player.getState().togglePlay();
    expect(player.getState().playing).toBe(false);
    player.getState().setLength(4);
    player.getState().seek(3);
    player.getState().togglePlay();
    expect(player.getState()).toMatchObject({ playing: true, frame: 0 });
    player.getState().reached(2);
    player.getState().togglePlay();
    expect(player.getState()).toMatchObject({ playing: false, frame: 2 });
  });

  it('keeps the frame inside a shorter sequence, and stops when the sequence empties', () => {
    const player = createPlayerStore();
    player.getState().setLength(20);
    player.getState().seek(15);
    player.getState().play();
    player.getState().setLength(8);
    expect(player.getState()).toMatchObject({ frame: 7, playing: true });
    player.getState().setLength(0);
    expect(player.getState()).toMatchObject({ frame: 0, playing: false });
  });

  it('starts over, paused, when the scope changes', () => {
    const player = createPlayerStore();
    player.getState().setLength(20);
    player.getState().seek(5);
    player.getState().play();
    player.getState().setScope('shot');
    expect(player.getState()).toMatchObject({ scope: 'shot', frame: 0, playing: false });
  });
});
