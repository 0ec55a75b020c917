import { memo, useCallback, useEffect, useRef } from 'react';
import { useStore } from 'zustand';
import { useStudio } from '../../app/context';
import type { ProjectState } from '../../stores/project';
import { PlaybackController } from './playback-controller';
import { EMPTY_PLAN, formatTime, planStillHolds, playbackPlan, segmentAt, type PlaybackPlan, type PlaybackScope } from './playback-plan';
import { playerStoreFor, type PlayerStore } from './player-store';
import type { StoreApi } from 'zustand/vanilla';
import './player.css';

/**
 * The plan for `scope`, the same object for as long as what it plays is the same: editing a prompt
 * changes the document but not the plan, so the preview (and its 500-segment strip) stays put.
 */
function usePlaybackPlan(scope: PlaybackScope): PlaybackPlan {
  const { stores } = useStudio();
  const last = useRef<{ plan: PlaybackPlan; folder: string | null }>({ plan: EMPTY_PLAN, folder: null });
  const select = useCallback(
    (s: ProjectState): PlaybackPlan => {
      if (s.doc === null || s.folder === null) return EMPTY_PLAN;
      const held = last.current;
      if (planStillHolds(held.plan, held.folder, s.doc, s.folder, scope, s.focusId)) return held.plan;
      const next = playbackPlan(s.doc, s.folder, scope, s.focusId);
      last.current = { plan: next, folder: s.folder };
      return next;
    },
    [scope],
  );
  return useStore(stores.project, select);
}

const STRIP_COLOURS = { rendered: '#3b5574', unrendered: '#5a3434', gap: '#16181d' };

/**
 * The sequence as a strip: one block per shot, as wide as its length, unrendered ones in red; a
 * click jumps there. Drawn on a canvas: one element however long the timeline (a 500-shot
 * timeline as 500 elements made every reorder redraw them all).
 */
const SequenceStrip = memo(function SequenceStrip({ plan, onSeek }: { plan: PlaybackPlan; onSeek(frame: number): void }) {
  const canvasRef = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const canvas = canvasRef.current;
    if (canvas === null) return;
    const draw = (): void => {
      const scale = window.devicePixelRatio || 1;
      const width = Math.max(1, Math.round(canvas.clientWidth * scale));
      const height = Math.max(1, Math.round(canvas.clientHeight * scale));
      if (canvas.width !== width || canvas.height !== height) {
        canvas.width = width;
        canvas.height = height;
      }
      const g = canvas.getContext('2d');
      if (g === null) return;
      g.fillStyle = STRIP_COLOURS.gap;
      g.fillRect(0, 0, width, height);
      if (plan.frames === 0) return;
      const gap = plan.segments.length * scale < width / 2 ? scale : 0;
      for (const segment of plan.segments) {
        const x0 = (segment.startFrame / plan.frames) * width;
        const x1 = ((segment.startFrame + segment.frames) / plan.frames) * width;
        g.fillStyle = segment.src === null ? STRIP_COLOURS.unrendered : STRIP_COLOURS.rendered;
        g.fillRect(x0, 0, Math.max(1, x1 - x0 - gap), height);
      }
    };
    draw();
    const observer = new ResizeObserver(draw);
    observer.observe(canvas);
    return () => observer.disconnect();
  }, [plan]);
  if (plan.frames === 0) return null;
  return (
    <canvas
      ref={canvasRef}
      className="sequence-strip"
      aria-hidden="true"
      onClick={(event) => {
        const rect = event.currentTarget.getBoundingClientRect();
        onSeek(Math.floor(((event.clientX - rect.left) / Math.max(1, rect.width)) * plan.frames));
      }}
    />
  );
});

function PositionMarker({ player, frames }: { player: StoreApi<PlayerStore>; frames: number }) {
  const frame = useStore(player, (s) => s.frame);
  if (frames === 0) return null;
  return <span className="sequence-marker" style={{ left: `${((frame + 0.5) / frames) * 100}%` }} aria-hidden="true" />;
}

/** Frame number (1-based, of the sequence), time of the frame's start, and the shot it belongs to. */
function Readout({ player, plan }: { player: StoreApi<PlayerStore>; plan: PlaybackPlan }) {
  const frame = useStore(player, (s) => s.frame);
  const at = segmentAt(plan, frame);
  const text =
    plan.frames === 0
      ? 'Frame 0 of 0'
      : `Frame ${frame + 1} of ${plan.frames} · ${formatTime(frame, plan.fps)} / ${formatTime(plan.frames, plan.fps)}${at === null ? '' : ` · ${at.segment.name}`}`;
  return (
    <output className="player-readout" aria-label="Playback position" aria-live="off">
      {text}
    </output>
  );
}

/**
 * The preview: the selected shot's render, or the whole timeline back to back with its trims and
 * the audio track, in a <video> fed by the media route. Play/pause (button, Space), one frame back
 * or forward (buttons, "," and "."), a position slider and readout. Unrendered shots are held: the
 * preview shows "not rendered yet" for their length and goes on.
 */
export function PreviewPlayer() {
  const { api, stores } = useStudio();
  const player = playerStoreFor(api);
  const scope = useStore(player, (s) => s.scope);
  const playing = useStore(player, (s) => s.playing);
  const plan = usePlaybackPlan(scope);
  const held = useStore(player, (s) => {
    const at = segmentAt(plan, s.frame);
    return at !== null && at.segment.src === null ? at.segment.name : null;
  });
  const frame = useStore(player, (s) => s.frame);
  const hasFocus = useStore(stores.project, (s) => s.focusId !== null);
  const videoRef = useRef<HTMLVideoElement>(null);
  const controller = useRef<PlaybackController | null>(null);

  useEffect(() => {
    const video = videoRef.current;
    if (video === null) return;
    const made = new PlaybackController(video, player);
    controller.current = made;
    return () => {
      made.destroy();
      controller.current = null;
      // Off the page, the keys have nothing to play: an empty sequence ignores them.
      player.getState().setLength(0);
    };
  }, [player]);
  useEffect(() => controller.current?.setPlan(plan), [plan]);

  const seek = useCallback((to: number) => player.getState().seek(to), [player]);
  const empty = plan.frames === 0;
  const emptyText = scope === 'shot' ? (hasFocus ? '' : 'Select a shot to preview it.') : 'No shots on the timeline yet.';

  return (
    <section className="panel player-panel" aria-labelledby="player-title">
      <div className="player-head">
        <h2 id="player-title">Preview</h2>
        <div className="segmented" role="group" aria-label="Preview what">
          <button type="button" aria-pressed={scope === 'timeline'} onClick={() => player.getState().setScope('timeline')}>
            Timeline
          </button>
          <button type="button" aria-pressed={scope === 'shot'} onClick={() => player.getState().setScope('shot')}>
            Selected shot
          </button>
        </div>
      </div>
      <div className="player-stage">
        <video ref={videoRef} className={held !== null || empty ? 'hidden' : undefined} aria-label="Preview video" playsInline disablePictureInPicture />
        {held !== null ? (
          <p className="player-held" role="status">
            {held}: not rendered yet
          </p>
        ) : null}
        {empty && emptyText !== '' ? <p className="player-held muted">{emptyText}</p> : null}
      </div>
      <div className="sequence">
        <SequenceStrip plan={plan} onSeek={seek} />
        <PositionMarker player={player} frames={plan.frames} />
      </div>
      <div className="player-controls" role="toolbar" aria-label="Playback">
        <button type="button" disabled={empty} onClick={() => player.getState().step(-1)} aria-label="Previous frame" title="Previous frame (,)">
          ◀|
        </button>
        <button type="button" className="primary" disabled={empty} onClick={() => player.getState().togglePlay()} title="Play or pause (Space)">
          {playing ? 'Pause' : 'Play'}
        </button>
        <button type="button" disabled={empty} onClick={() => player.getState().step(1)} aria-label="Next frame" title="Next frame (.)">
          |▶
        </button>
        <input
          type="range"
          className="player-scrub"
          aria-label="Position"
          min={0}
          max={Math.max(0, plan.frames - 1)}
          step={1}
          value={frame}
          disabled={empty}
          onChange={(event) => seek(Number(event.target.value))}
        />
        <Readout player={player} plan={plan} />
      </div>
    </section>
  );
}
