import { useMemo } from 'react';
import { useStore } from 'zustand';
import { createStore, type StoreApi } from 'zustand/vanilla';
import { useStudio } from '../../app/context';
import type { Api } from '../../lib/api';
import type { PlaybackScope } from './playback-plan';

// The preview's transport: what is playing, where, and whether it plays. Buttons and the keyboard
// (Space, "," and ".") change it; the playback controller moves the media elements to match and
// reports the frame back while playing. `seekId` counts the jumps people ask for, so the controller
// can tell them from the frames that playback itself reports.

export interface PlayerState {
  scope: PlaybackScope;
  playing: boolean;
  /** The sequence frame shown. */
  frame: number;
  /** Frames in the sequence now playing (set by the player as the plan changes). */
  length: number;
  seekId: number;
}

export interface PlayerActions {
  togglePlay(): void;
  play(): void;
  pause(): void;
  /** One frame back (-1) or forward (+1); pauses first. */
  step(delta: -1 | 1): void;
  /** Jumps to a frame (clamped), playing on if it was playing. */
  seek(frame: number): void;
  setScope(scope: PlaybackScope): void;
  /** The sequence changed length; the frame is kept inside it. */
  setLength(length: number): void;
  /** Playback reached `frame` (not a jump). */
  reached(frame: number): void;
  /** Playback reached the end of the sequence. */
  ended(): void;
}

export type PlayerStore = PlayerState & PlayerActions;

function clamp(frame: number, length: number): number {
  return Math.max(0, Math.min(Math.max(0, length - 1), Math.round(frame)));
}

export function createPlayerStore(): StoreApi<PlayerStore> {
  return createStore<PlayerStore>()((set, get) => ({
    scope: 'timeline',
    playing: false,
    frame: 0,
    length: 0,
    seekId: 0,
    togglePlay() {
      if (get().playing) get().pause();
      else get().play();
    },
    play() {
      const s = get();
      if (s.length === 0 || s.playing) return;
      // Play from the start again once the end was reached.
      const restart = s.frame >= s.length - 1;
      set({ playing: true, ...(restart ? { frame: 0, seekId: s.seekId + 1 } : {}) });
    },
    pause() {
      if (get().playing) set({ playing: false });
    },
    step(delta) {
      const s = get();
      set({ playing: false, frame: clamp(s.frame + delta, s.length), seekId: s.seekId + 1 });
    },
    seek(frame) {
      const s = get();
      set({ frame: clamp(frame, s.length), seekId: s.seekId + 1 });
    },
    setScope(scope) {
      const s = get();
      if (s.scope !== scope) set({ scope, playing: false, frame: 0, seekId: s.seekId + 1 });
    },
    setLength(length) {
      const s = get();
      if (s.length === length) return;
      const frame = clamp(s.frame, length);
      set({ length, frame, ...(length === 0 ? { playing: false } : {}), ...(frame !== s.frame ? { seekId: s.seekId + 1 } : {}) });
    },
    reached(frame) {
      if (get().frame !== frame) set({ frame });
    },
    ended() {
      set({ playing: false });
    },
  }));
}

const stores = new WeakMap<object, StoreApi<PlayerStore>>();

/** The preview's store of this studio's api (one per page), made on first use. */
export function playerStoreFor(api: Api): StoreApi<PlayerStore> {
  let store = stores.get(api);
  if (store === undefined) {
    store = createPlayerStore();
    stores.set(api, store);
  }
  return store;
}

export function usePlayerStore<T>(select: (state: PlayerStore) => T): T {
  return useStore(playerStoreFor(useStudio().api), select);
}

/** The actions the preview lends to the studio's keyboard shortcuts (Space, "," and "."). */
export function usePlayerShortcuts(): { togglePlay(): void; stepFrame(delta: -1 | 1): void } {
  const player = playerStoreFor(useStudio().api);
  return useMemo(() => ({ togglePlay: () => player.getState().togglePlay(), stepFrame: (delta: -1 | 1) => player.getState().step(delta) }), [player]);
}
