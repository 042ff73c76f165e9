/**
 * GCJ-02 (火星坐标), the obfuscated datum of Gaode/AutoNavi, Aliyun DataV and Tencent maps: the
 * published forward formula from WGS84. Used only to recognise a file in the other system (its
 * outline lands 300–700 m off in one consistent direction), never to convert stored data.
 */
const A = 6378245.0;
const EE = 0.006693421622965943;
const PI = Math.PI;

function dLat(x: number, y: number): number {
  let r = -100 + 2 * x + 3 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.sqrt(Math.abs(x));
  r += ((20 * Math.sin(6 * x * PI) + 20 * Math.sin(2 * x * PI)) * 2) / 3;
  r += ((20 * Math.sin(y * PI) + 40 * Math.sin((y / 3) * PI)) * 2) / 3;
  r += ((160 * Math.sin((y / 12) * PI) + 320 * Math.sin((y * PI) / 30)) * 2) / 3;
  return r;
}

function dLon(x: number, y: number): number {
  let r = 300 + x + 2 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.sqrt(Math.abs(x));
  r += ((20 * Math.sin(6 * x * PI) + 20 * Math.sin(2 * x * PI)) * 2) / 3;
  r += ((20 * Math.sin(x * PI) + 40 * Math.sin((x / 3) * PI)) * 2) / 3;
  r += ((150 * Math.sin((x / 12) * PI) + 300 * Math.sin((x / 30) * PI)) * 2) / 3;
  return r;
}

/** WGS84 lon/lat → GCJ-02 lon/lat (inside China; the formula is meaningless outside). */
export function wgs84ToGcj02(lon: number, lat: number): [number, number] {
  const radLat = (lat / 180) * PI;
  const m = 1 - EE * Math.sin(radLat) ** 2;
  const sm = Math.sqrt(m);
  const y = (dLat(lon - 105, lat - 35) * 180) / (((A * (1 - EE)) / (m * sm)) * PI);
  const x = (dLon(lon - 105, lat - 35) * 180) / ((A / sm) * Math.cos(radLat) * PI);
  return [lon + x, lat + y];
}

/** The GCJ-02 shift at a point, degrees: what WGS84 → GCJ-02 adds there (nearly constant over a county). */
export function gcj02Shift(lon: number, lat: number): [number, number] {
  const [x, y] = wgs84ToGcj02(lon, lat);
  return [x - lon, y - lat];
}
