import type { StoreApi } from 'zustand/vanilla';
import type { PlayerStore } from './player-store';
import { EMPTY_PLAN, localFrameAt, renderTimeOf, samePlan, segmentAt, type PlaybackAudio, type PlaybackPlan, type PlaybackSegment } from './playback-plan';

// Moves the preview's media elements to follow the player store: one <video> that loads each
// shot's render in turn (seeking to the shot's trimmed part), a clock of its own for shots held
// because they have no render, and one <audio> per clip of the audio track kept in step with the
// sequence's time. While playing, a requestAnimationFrame loop reads where the video is and
// reports the frame back to the store; at the end of a shot's part it moves on to the next shot.

/** How far an audio clip may drift from the picture before it is put back in place, seconds. */
const AUDIO_DRIFT_SEC = 0.2;

export class PlaybackController {
  private plan: PlaybackPlan = EMPTY_PLAN;
  private segmentIndex = -1;
  private loadedSrc: string | null = null;
  /** Counts segment entries; an entry that finds it changed after an await gives way. */
  private epoch = 0;
  private raf = 0;
  /** The clock of a held (unrendered) shot: when its frame `fromLocal` was shown. */
  private hold: { startedAt: number; fromLocal: number } | null = null;
  private readonly audio = new Map<string, { clip: PlaybackAudio; element: HTMLAudioElement }>();
  private readonly unsubscribe: () => void;

  constructor(
    private readonly video: HTMLVideoElement,
    private readonly store: StoreApi<PlayerStore>,
  ) {
    // The renders are silent; the audio track plays through its own elements.
    video.muted = true;
    video.preload = 'auto';
    this.unsubscribe = store.subscribe((state, previous) => {
      if (state.seekId !== previous.seekId) this.enterFrame(state.frame, state.playing);
      else if (state.playing !== previous.playing) {
        if (state.playing) this.enterFrame(state.frame, true);
        else {
          // A load or play still in flight must not start the picture again.
          this.epoch++;
          this.stop();
        }
      }
    });
  }

  /** Plays `plan` from now on; the same plan again changes nothing (a prompt was edited). */
  setPlan(plan: PlaybackPlan): void {
    if (samePlan(plan, this.plan)) return;
    this.plan = plan;
    this.syncAudioElements(plan.audio);
    this.segmentIndex = -1;
    const before = this.store.getState().seekId;
    this.store.getState().setLength(plan.frames);
    const state = this.store.getState();
    // setLength re-enters through the subscription when it moved the frame; else enter here.
    if (state.seekId === before) this.enterFrame(state.frame, state.playing);
  }

  destroy(): void {
    this.epoch++;
    this.stopLoop();
    this.unsubscribe();
    for (const { element } of this.audio.values()) {
      element.pause();
      element.removeAttribute('src');
    }
    this.audio.clear();
    this.video.pause();
    this.video.removeAttribute('src');
    this.video.load();
  }

  private syncAudioElements(clips: readonly PlaybackAudio[]): void {
    const wanted = new Set(clips.map((c) => c.clipId));
    for (const [id, { element }] of this.audio) {
      if (wanted.has(id)) continue;
      element.pause();
      this.audio.delete(id);
    }
    for (const clip of clips) {
      const held = this.audio.get(clip.clipId);
      const element = held?.element ?? new Audio();
      if (held?.clip.src !== clip.src) {
        element.preload = 'auto';
        element.src = clip.src;
      }
      // An element cannot amplify: gains above 0 dB play at full volume.
      element.volume = Math.min(1, 10 ** (clip.gainDb / 20));
      this.audio.set(clip.clipId, { clip, element });
    }
  }

  private async load(src: string, epoch: number): Promise<boolean> {
    if (this.loadedSrc === src && this.video.readyState >= HTMLMediaElement.HAVE_METADATA) return true;
    this.loadedSrc = src;
    this.video.src = src;
    await new Promise<void>((resolve) => {
      const done = (): void => {
        this.video.removeEventListener('loadedmetadata', done);
        this.video.removeEventListener('error', done);
        resolve();
      };
      this.video.addEventListener('loadedmetadata', done);
      this.video.addEventListener('error', done);
    });
    if (this.video.error !== null) this.loadedSrc = null;
    return epoch === this.epoch && this.video.error === null;
  }

  /** Shows sequence frame `frame` (and plays on from it when `playing`). */
  private enterFrame(frame: number, playing: boolean): void {
    const at = segmentAt(this.plan, frame);
    if (at === null) {
      this.epoch++;
      this.stop();
      this.video.removeAttribute('src');
      this.loadedSrc = null;
      return;
    }
    void this.enterSegment(at.index, at.localFrame, playing);
  }

  private async enterSegment(index: number, localFrame: number, playing: boolean): Promise<void> {
    const epoch = ++this.epoch;
    const segment = this.plan.segments[index] as PlaybackSegment;
    this.segmentIndex = index;
    this.hold = null;
    if (segment.src === null) {
      if (playing) {
        this.video.pause();
        this.hold = { startedAt: performance.now(), fromLocal: localFrame };
        this.startLoop();
      } else if (this.raf !== 0 || !this.video.paused) this.stop();
      return;
    }
    if (!playing) {
      // A change elsewhere in the timeline (a reorder, a rename) leaves the picture as it is.
      const target = renderTimeOf(segment, localFrame, this.plan.fps);
      const showing = this.loadedSrc === segment.src && this.video.readyState >= HTMLMediaElement.HAVE_METADATA && this.video.paused && this.raf === 0;
      if (showing && Math.abs(this.video.currentTime - target) < 1e-6) return;
      this.stop();
    }
    if (!(await this.load(segment.src, epoch))) {
      if (epoch === this.epoch && this.video.error !== null) this.store.getState().pause();
      return;
    }
    this.video.currentTime = renderTimeOf(segment, localFrame, this.plan.fps);
    if (!playing) return;
    try {
      await this.video.play();
    } catch {
      // Interrupted by the next entry (a pause, a seek), or refused: the store then shows paused.
      if (epoch === this.epoch) this.store.getState().pause();
      return;
    }
    if (epoch === this.epoch) this.startLoop();
  }

  private startLoop(): void {
    if (this.raf === 0) this.raf = requestAnimationFrame(this.tick);
  }

  private stopLoop(): void {
    if (this.raf !== 0) cancelAnimationFrame(this.raf);
    this.raf = 0;
  }

  private stop(): void {
    this.stopLoop();
    this.hold = null;
    this.video.pause();
    for (const { element } of this.audio.values()) element.pause();
  }

  private readonly tick = (now: number): void => {
    this.raf = 0;
    const segment = this.plan.segments[this.segmentIndex];
    if (segment === undefined || !this.store.getState().playing) return;
    const fps = this.plan.fps;
    let local: number;
    let seconds: number;
    if (segment.src === null) {
      if (this.hold === null) return;
      seconds = (now - this.hold.startedAt) / 1000 + this.hold.fromLocal / fps;
      local = Math.floor(seconds * fps + 1e-6);
    } else {
      seconds = this.video.currentTime - segment.inSec;
      local = localFrameAt(segment, this.video.currentTime, fps);
    }
    if (local >= segment.frames || (segment.src !== null && this.video.ended)) {
      this.next();
      return;
    }
    this.store.getState().reached(segment.startFrame + Math.max(0, local));
    this.syncAudio(segment.startFrame / fps + Math.max(0, seconds));
    this.raf = requestAnimationFrame(this.tick);
  };

  private next(): void {
    const index = this.segmentIndex + 1;
    const following = this.plan.segments[index];
    if (following === undefined) {
      this.store.getState().reached(Math.max(0, this.plan.frames - 1));
      this.store.getState().ended();
      return;
    }
    this.store.getState().reached(following.startFrame);
    void this.enterSegment(index, 0, true);
  }

  /** Each audio clip playing where the sequence is (`seconds` into it), or paused outside its span. */
  private syncAudio(seconds: number): void {
    for (const { clip, element } of this.audio.values()) {
      const offset = seconds - clip.startSec;
      if (offset >= 0 && offset < clip.durationSec) {
        if (element.paused) {
          element.currentTime = offset;
          void element.play().catch(() => undefined);
        } else if (Math.abs(element.currentTime - offset) > AUDIO_DRIFT_SEC) element.currentTime = offset;
      } else if (!element.paused) element.pause();
    }
  }
}
