import { GeoJsonLayer, ScatterplotLayer } from '@deck.gl/layers';
import { MVTLayer } from '@deck.gl/geo-layers';
// deck.gl's own dependency (hoisted): MVTLayer's default loader only parses in a web worker
import { MVTLoader } from '@loaders.gl/mvt';
import type { Layer } from '@deck.gl/core';
import {
  coreRadius,
  featureFill,
  featureLine,
  featureLineWidth,
  featureRadius,
  featureText,
  HALO_COLOR,
  hexToRgba,
  LABEL_CHARACTERS,
  OVERDUE_COLOR,
  textSize,
  underRadius,
  type Look,
  type TileProps,
} from './problem-layers';
import { COLORS, LOCAL_IDEOGRAPH_FONT_FAMILY } from '../../../map/style';

type Feature = { properties: TileProps };
/** What the layers depend on besides the tiles: one key for every accessor's updateTrigger. */
export interface ProblemLayerState {
  url: string;
  look: Look;
  locale: string;
  selected: [number, number] | null;
  reportPoint: [number, number] | null;
  onTileError: (e: unknown) => void;
}

/**
 * One tile's problems: the discs (GeoJsonLayer's own circles, the only pickable part), with an
 * overdue halo under them and, over them, a cluster's red core and the labels. A GeoJsonLayer
 * itself, because MVTLayer expects one per tile when its data is binary.
 */
class ProblemTileLayer extends GeoJsonLayer<TileProps, { look: Look; locale: string }> {
  static override layerName = 'ProblemTileLayer';

  override renderLayers() {
    const { look, locale, data } = this.props;
    const key = JSON.stringify([look, locale]);
    const common = {
      data,
      pickable: false,
      pointType: 'circle',
      filled: true,
      stroked: false,
      pointRadiusUnits: 'pixels' as const,
    };
    const halo = new GeoJsonLayer(
      this.getSubLayerProps({
        ...common,
        id: 'halo',
        getFillColor: HALO_COLOR,
        getPointRadius: (f: Feature) => underRadius(f.properties, look),
        updateTriggers: { getPointRadius: key },
      }),
    );
    const core = new GeoJsonLayer(
      this.getSubLayerProps({
        ...common,
        id: 'core',
        getFillColor: hexToRgba(OVERDUE_COLOR, 235),
        getPointRadius: (f: Feature) => coreRadius(f.properties, look),
        updateTriggers: { getPointRadius: key },
      }),
    );
    const label = new GeoJsonLayer(
      this.getSubLayerProps({
        data,
        id: 'label',
        pickable: false,
        pointType: 'text',
        getText: (f: Feature) => featureText(f.properties, look, locale),
        getTextSize: (f: Feature) => textSize(f.properties, look),
        getTextColor: [255, 255, 255, 255],
        textSizeUnits: 'pixels',
        textFontFamily: LOCAL_IDEOGRAPH_FONT_FAMILY,
        textFontWeight: 700,
        textCharacterSet: LABEL_CHARACTERS,
        textOutlineColor: [20, 35, 55, 200],
        textOutlineWidth: 2,
        textFontSettings: { sdf: true, fontSize: 48, buffer: 6 },
        updateTriggers: { getText: key, getTextSize: key },
      }),
    );
    return [halo, ...super.renderLayers(), core, label];
  }
}

export const PROBLEMS_LAYER = 'problems';
// Built once: deck compares these props by identity, and a new array or object each time would
// count as a change that rebuilds every tile's layers (picking finds nothing until they are).
const LOADERS = [MVTLoader];
const LOAD_OPTIONS = { core: { worker: false } };

/** The deck.gl layers of the problem view, rebuilt from state (deck diffs them by id). */
export function problemLayers(s: ProblemLayerState): Layer[] {
  const { look, locale } = s;
  const key = JSON.stringify([look, locale]);
  const layers: Layer[] = [
    new MVTLayer({
      id: PROBLEMS_LAYER,
      data: s.url,
      minZoom: 0,
      maxZoom: 16,
      // Parsed on the main thread: MVTLayer's default loader (MVTWorkerLoader) would fetch its
      // worker script from a CDN, and there is no internet. Problem tiles are small (clusters
      // by area below z13, pins and clusters of 64-unit cells to z15, pins from z16).
      loaders: LOADERS,
      loadOptions: LOAD_OPTIONS,
      pickable: true,
      onTileError: s.onTileError,
      renderSubLayers: (props) =>
        new ProblemTileLayer({ ...props, look, locale } as ConstructorParameters<typeof ProblemTileLayer>[0]),
      pointType: 'circle',
      filled: true,
      stroked: true,
      pointRadiusUnits: 'pixels',
      lineWidthUnits: 'pixels',
      getPointRadius: (f: Feature) => featureRadius(f.properties, look),
      getFillColor: (f: Feature) => featureFill(f.properties, look),
      getLineColor: (f: Feature) => featureLine(f.properties),
      getLineWidth: (f: Feature) => featureLineWidth(f.properties, look),
      updateTriggers: { getPointRadius: key, getFillColor: key, getLineWidth: key, renderSubLayers: key },
    }),
  ];
  if (s.selected) {
    layers.push(
      new ScatterplotLayer<[number, number]>({
        id: 'problems-selected',
        data: [s.selected],
        getPosition: (d) => d,
        radiusUnits: 'pixels',
        getRadius: 15 * look.k,
        filled: false,
        stroked: true,
        lineWidthUnits: 'pixels',
        getLineWidth: 3.5 * look.k,
        getLineColor: hexToRgba(COLORS.selected),
      }),
    );
  }
  if (s.reportPoint) {
    // the 100 m within which possible duplicates are looked for, and the point itself
    layers.push(
      new ScatterplotLayer<[number, number]>({
        id: 'problems-report-radius',
        data: [s.reportPoint],
        getPosition: (d) => d,
        radiusUnits: 'meters',
        getRadius: 100,
        getFillColor: hexToRgba(COLORS.selected, 40),
        stroked: true,
        lineWidthUnits: 'pixels',
        getLineWidth: 1.5 * look.k,
        getLineColor: hexToRgba(COLORS.selected, 200),
      }),
    );
    layers.push(
      new ScatterplotLayer<[number, number]>({
        id: 'problems-report-point',
        data: [s.reportPoint],
        getPosition: (d) => d,
        radiusUnits: 'pixels',
        getRadius: 9 * look.k,
        getFillColor: hexToRgba(COLORS.selected),
        stroked: true,
        lineWidthUnits: 'pixels',
        getLineWidth: 3 * look.k,
        getLineColor: [255, 255, 255, 255],
      }),
    );
  }
  return layers;
}
