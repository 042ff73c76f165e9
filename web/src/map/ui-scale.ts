import { onBeforeUnmount, ref, type Ref } from 'vue';

/**
 * How much larger than a 16 px laptop the UI is drawn: the root font size follows the viewport
 * (see the clamp() in App.vue), and map text and lines follow it so a 3840 px wall stays readable.
 */
function currentScale(): number {
  const px = parseFloat(getComputedStyle(document.documentElement).fontSize);
  return Number.isFinite(px) ? Math.max(1, Math.round((px / 16) * 20) / 20) : 1;
}

/** The scale now (for what is sized once, e.g. MapLibre's scale bar). */
export const uiScaleNow = (): number => currentScale();

export function useUiScale(): Ref<number> {
  const scale = ref(currentScale());
  const onResize = () => {
    const next = currentScale();
    if (next !== scale.value) scale.value = next;
  };
  window.addEventListener('resize', onResize);
  onBeforeUnmount(() => window.removeEventListener('resize', onResize));
  return scale;
}
