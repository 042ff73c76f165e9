import { AppError, type Problem } from '../errors';

/** A refused import lists this many problems at most; the rest are counted. */
export const MAX_LISTED_PROBLEMS = 200;

/**
 * The refusal of an all-or-nothing import: every problem found is counted in the message, the
 * first MAX_LISTED_PROBLEMS are listed, then one line says how many more there are (a 50,000-row
 * file with a wrong column would otherwise answer with 50,000 details).
 */
export function importRefused(code: string, problems: Problem[], max = MAX_LISTED_PROBLEMS): AppError {
  const rest = problems.length - max;
  const listed =
    rest > 0
      ? [
          ...problems.slice(0, max),
          {
            reason: {
              zh: `另有 ${rest} 处问题未列出（只列出前 ${max} 处）`,
              en: `${rest} more problem(s) not listed (only the first ${max} are)`,
            },
          },
        ]
      : problems;
  return new AppError(
    422,
    code,
    {
      zh: `导入被拒绝：${problems.length} 处问题，未写入任何数据`,
      en: `import refused: ${problems.length} problem(s), nothing was written`,
    },
    listed,
  );
}
