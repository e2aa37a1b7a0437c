/**
 * @module scripts/lib/corpus-gen
 * Synthetic posts in the old scraper's four templates (see
 * ../shared/corpus/README.md), for load tests and benchmarks: the real
 * corpus is small and third-party. Everything derives from one seeded PRNG,
 * so the same (count, seed) always gives the same bytes.
 */
import { Rng } from "./prng";

export interface GeneratedPost {
  /** Path inside the output folder, e.g. 2023-04/2023-04-05-NW202304052400000012.md */
  path: string;
  text: string;
  template: Template;
}

export type Template = "rolling" | "source" | "market" | "short";

export interface CorpusOptions {
  count: number;
  seed: string;
  /** Distinct categories the Zipf spread draws from. */
  categories?: number;
  /**
   * Dates spread over the `spanMs` before this instant (epoch ms); by default two years from
   * 2022-01-01. A live day (the last 24 h) depends on when it is generated, so only its dates do.
   */
  endsAt?: number;
  spanMs?: number;
}

const SYLLABLES = [
  "an",
  "bai",
  "bao",
  "bei",
  "cai",
  "chang",
  "cheng",
  "da",
  "dong",
  "fang",
  "feng",
  "fu",
  "guang",
  "guo",
  "hai",
  "hang",
  "he",
  "hong",
  "hua",
  "huang",
  "ji",
  "jia",
  "jiang",
  "jin",
  "jing",
  "kai",
  "kang",
  "li",
  "lian",
  "long",
  "min",
  "nan",
  "ning",
  "ping",
  "qi",
  "qian",
  "rong",
  "shan",
  "shang",
  "shen",
  "sheng",
  "shi",
  "tai",
  "tian",
  "tong",
  "wan",
  "wei",
  "xin",
  "xing",
  "ya",
  "yang",
  "yin",
  "yong",
  "yu",
  "yuan",
  "zhi",
  "zhong",
  "zhou",
  "zi",
];
const SOURCE_CHARS =
  "安百宝北财长城大东方丰富广国海航和宏华黄吉家江金晶开康立联龙民南宁平齐前荣山上深盛时泰天通万为新兴亚阳银永裕元智中洲资";
const SOURCE_KINDS = ["证券", "日报", "财经", "新闻网", "晚报", "期货", "基金", "商报", "资讯", "观察"];
const REGIONS = ["xianggang", "shenzhen", "shanghai", "beijing", "guoji"];

const SUBJECTS = [
  "央行",
  "证监会",
  "沪深两市",
  "北向资金",
  "创业板指",
  "多家券商",
  "上市银行",
  "新能源车企",
  "光伏板块",
  "半导体行业",
  "国家统计局",
  "财政部",
  "外汇局",
  "保险资金",
  "公募基金",
  "私募机构",
  "房地产企业",
  "地方政府",
  "港股市场",
  "美股三大指数",
];
const VERBS = ["宣布", "披露", "表示", "预计", "开展", "发布", "推进", "加大", "调整", "完成", "启动", "回应"];
const OBJECTS = [
  "逆回购操作",
  "年度业绩预告",
  "降准安排",
  "专项债发行计划",
  "新一轮融资",
  "产能扩张项目",
  "分红方案",
  "跨境理财试点",
  "数字化转型方案",
  "风险处置措施",
  "信贷投放节奏",
  "海外市场布局",
  "技术研发投入",
  "并购重组进展",
  "稳增长政策",
];
const TAILS = [
  "市场人士认为这一举措有助于稳定预期",
  "分析师指出短期波动难以避免",
  "业内预计后续政策仍有加码空间",
  "相关负责人表示将持续关注市场变化",
  "机构普遍看好全年表现",
  "投资者情绪明显回暖",
  "成交额较前一交易日有所放大",
];
const STOCKS = [
  ["1.600160", "巨化股份"],
  ["0.300343", "联创股份"],
  ["1.601166", "兴业银行"],
  ["106.NIO", "蔚来"],
  ["0.000001", "平安银行"],
  ["1.600519", "贵州茅台"],
  ["0.300750", "宁德时代"],
  ["116.00700", "腾讯控股"],
  ["90.BK0493", "新能源"],
  ["1.601318", "中国平安"],
] as const;

/** Names like `hangxinzhengquan`, some with a region in parentheses, ~2% a case-twin (`TechWeb` / `Techweb`). */
function makeCategories(rng: Rng, n: number): { name: string; source: string }[] {
  const out: { name: string; source: string }[] = [];
  const seen = new Set<string>();
  while (out.length < n) {
    const parts = Array.from({ length: rng.int(2, 4) }, () => rng.pick(SYLLABLES));
    let name = parts.join("");
    if (rng.chance(0.06)) name += `(${rng.pick(REGIONS)})`;
    if (rng.chance(0.04)) name = parts.map((p) => p[0]?.toUpperCase() + p.slice(1)).join("");
    if (seen.has(name)) continue;
    seen.add(name);
    const source =
      Array.from({ length: rng.int(2, 3) }, () => SOURCE_CHARS[rng.int(0, SOURCE_CHARS.length - 1)]).join("") +
      rng.pick(SOURCE_KINDS);
    out.push({ name, source });
    if (out.length < n && rng.chance(0.02)) {
      const twin = name[0]?.toUpperCase() + name.slice(1);
      if (!seen.has(twin)) {
        seen.add(twin);
        out.push({ name: twin, source });
      }
    }
  }
  return out;
}

/** Cumulative Zipf(s=1) weights: rank 1 is drawn ~n/ln(n) times as often as rank n. */
function zipfTable(n: number): Float64Array {
  const cum = new Float64Array(n);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    sum += 1 / (i + 1);
    cum[i] = sum;
  }
  for (let i = 0; i < n; i++) cum[i] = (cum[i] as number) / sum;
  return cum;
}

function zipfPick(rng: Rng, cum: Float64Array): number {
  const x = rng.next();
  let lo = 0;
  let hi = cum.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((cum[mid] as number) < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

const pad = (n: number, w = 2) => String(n).padStart(w, "0");
const utf8 = new TextEncoder();
const bytes = (s: string) => utf8.encode(s).length;

function sentence(rng: Rng): string {
  const pct = `${rng.int(0, 30)}.${rng.int(0, 9)}%`;
  const amount = `${rng.int(1, 9000)}亿元`;
  return `${rng.pick(SUBJECTS)}${rng.pick(VERBS)}${rng.pick(OBJECTS)}，规模约${amount}，同比${rng.chance(0.5) ? "增长" : "下降"}${pct}，${rng.pick(TAILS)}。`;
}

function title(rng: Rng): string {
  const base = `${rng.pick(SUBJECTS)}${rng.pick(VERBS)}${rng.pick(OBJECTS)}`;
  const r = rng.next();
  // The scraper never escaped: ~3% of titles carry ASCII quotes that break the YAML.
  if (r < 0.03) return `${base} 称"${rng.pick(OBJECTS)}"将"${rng.pick(["稳步推进", "适时调整", "持续加码"])}"`;
  if (r < 0.15) return `${base} “${rng.pick(TAILS).slice(0, 8)}”`;
  if (r < 0.2) return `${base}（${rng.pick(["附名单", "图", "视频", "更新"])}）`;
  return base;
}

function stockLink(rng: Rng): string {
  const [code, name] = rng.pick(STOCKS);
  if (rng.chance(0.5)) {
    return `<span id="stock_${code}"><a href="http://quote.eastmoney.com/unify/r/${code}" class="keytip" data-code="${code.replace(".", ",")}">${name}</a></span><span id="quote_${code}"></span>`;
  }
  return `<span web="1" href="http://quote.eastmoney.com/unify/r/${code}" class="em_stock_key_common" data-code="${code.replace(".", ",")}">${name}</span>`;
}

function imageTag(rng: Rng): string {
  const id = Array.from({ length: 20 }, () => rng.int(0, 9)).join("");
  const w = rng.pick([800, 640, 1080]);
  const h = rng.int(180, 900);
  // Unescaped `&` in image URLs, as the scraper wrote them.
  const q = rng.chance(0.3) ? `?x-oss-process=image&w=${w}&h=${h}` : "";
  return `<center><img src="https://dfscdn.dfcfw.com/download/D${id}_w${w}h${h}.jpg${q}" alt="Image" width="552" style="border:#d1d1d1 1px solid;padding:3px;margin:5px 0;" /></center>`;
}

function stockWidget(rng: Rng): string {
  const [code, name] = rng.pick(STOCKS);
  return `<!-- EM_StockImg_Start --><p style="text-align:center;"><a href="http://quote.eastmoney.com/unify/r/${code}" data-code="${code}" class="EmImageRemark" target="_blank"><img src="https://webquoteklinepic.eastmoney.com/GetPic.aspx?nid=${code}&imageType=k&token=${rng.int(1e8, 9e8)}&at=1" border="0" alt="K图 ${name}_0" style="border:#d1d1d1 1px solid;" width="578" height="276" /></a></p><!-- EM_StockImg_End -->`;
}

/** An eastmoney-style HTML body of about `target` bytes (never over 20 KB). */
function htmlBody(rng: Rng, target: number, source: string): string {
  const parts: string[] = [];
  if (rng.chance(0.6)) parts.push(`<p style="display:none;height:1px;overflow:hidden;"><br /></p>`);
  if (rng.chance(0.35)) parts.push(stockWidget(rng));
  let size = parts.reduce((n, p) => n + bytes(p), 0);
  const tail = `<p class="em_media">（文章来源：${source}）</p>`;
  const limit = Math.min(target, 20_000) - bytes(tail);
  while (size < limit) {
    let p: string;
    const r = rng.next();
    if (r < 0.08) p = `<p><strong>${rng.pick(OBJECTS)}${rng.pick(["成效显著", "提速", "面临考验", "迎来新机遇"])}</strong></p>`;
    else if (r < 0.14) p = imageTag(rng);
    else {
      const n = rng.int(1, 4);
      let text = "";
      for (let i = 0; i < n; i++) text += (rng.chance(0.3) ? stockLink(rng) : "") + sentence(rng);
      p = `<p>${text}${rng.chance(0.2) ? "<br />" : ""}</p>`;
    }
    if (size + bytes(p) > 20_000 - bytes(tail)) break;
    parts.push(p);
    size += bytes(p);
  }
  parts.push(tail);
  return parts.join(rng.chance(0.5) ? " " : "");
}

/** Plain markdown paragraphs (the rolling-news bodies). */
function textBody(rng: Rng, target: number): string {
  const paras: string[] = [];
  let size = 0;
  do {
    let p = "";
    const n = rng.int(1, 5);
    for (let i = 0; i < n; i++) p += sentence(rng);
    if (size + bytes(p) > 20_000) break;
    paras.push(p);
    size += bytes(p) + 2;
  } while (size < target);
  return paras.join("\n\n");
}

export function* generateCorpus(opts: CorpusOptions): Generator<GeneratedPost> {
  const rng = new Rng(`finews-corpus:${opts.seed}`);
  const cats = makeCategories(rng, opts.categories ?? 2000);
  const zipf = zipfTable(cats.length);
  const span = opts.spanMs ?? 730 * 86400_000;
  const start = opts.endsAt !== undefined ? opts.endsAt - span : Date.UTC(2022, 0, 1) - 8 * 3600_000;
  for (let i = 0; i < opts.count; i++) {
    const r = rng.next();
    const template: Template = r < 0.4 ? "rolling" : r < 0.75 ? "source" : r < 0.9 ? "market" : "short";
    // Beijing wall time (UTC+8) over the span.
    const local = new Date(start + Math.floor(rng.next() * span) + 8 * 3600_000);
    const ymd = `${local.getUTCFullYear()}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}`;
    const hms = `${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())}`;
    const digits = ymd.replaceAll("-", "") + String(2_400_000_000 + i).padStart(10, "0");
    // Old posts were written without an offset (Beijing time all the same).
    const date = rng.chance(0.15) ? `${ymd} ${hms}` : `${ymd} ${hms} +0800`;
    const primary = cats[zipfPick(rng, zipf)] as { name: string; source: string };

    let infoCode: string;
    let categories: string;
    let tags: string;
    let body: string;
    let nav: string;
    let heading = title(rng);
    const home = "[返回首页](//finews.withounder.com/)";
    if (template === "rolling") {
      infoCode = digits;
      categories = "emnews";
      tags = "东财滚动新闻";
      const digest = rng.chance(0.4) ? `> ${sentence(rng)}\n\n` : "";
      body = digest + textBody(rng, rng.logUniform(150, 20_000));
      const src = rng.chance(0.03) ? "<>" : `<http://finance.eastmoney.com/a/${digits}.html>`;
      nav = rng.chance(0.2)
        ? `${src}\n\n[返回东财滚动新闻](../emnews/)\n[返回首页](../)`
        : `${src}\n\n[返回东财滚动新闻](//finews.withounder.com/emnews/)｜${home}`;
    } else if (template === "short") {
      infoCode = digits;
      categories = primary.name;
      tags = `${primary.source}新闻`;
      heading = heading.replaceAll('"', "");
      body = `${heading}\n\n${sentence(rng)}`;
      nav = `<http://choicewzp1.eastmoney.com/html_News/NewsShare.html?infoCode=${infoCode}>`;
    } else {
      infoCode = `NW${digits}`;
      // ~8% of source posts list two sources; the scraper's raw string sometimes has two spaces.
      const second = rng.chance(0.08) ? (cats[zipfPick(rng, zipf)] as { name: string }).name : null;
      categories = second && second !== primary.name ? `${primary.name}${rng.chance(0.5) ? "  " : " "}${second}` : primary.name;
      tags = `${primary.source}新闻`;
      body = htmlBody(rng, rng.logUniform(150, 20_000), primary.source);
      const back =
        template === "source"
          ? `//finews.withounder.com/category/${primary.name}.html`
          : `//finews.withounder.com/${primary.name}/`;
      nav = `<http://finews.zning.xyz/html_News/NewsShare.html?infoCode=${infoCode}>\n\n[返回${primary.source}新闻](${back})｜${home}`;
    }
    // A few of the scraper's recoverable defects: a blank line before the front matter, an empty title.
    const lead = rng.chance(0.005) ? "\n" : "";
    if (template === "rolling" && body.startsWith("> ") && rng.chance(0.02)) heading = "";
    const text =
      `${lead}---\nlayout: post\ntitle: "${heading}"\ndate: ${date}\ncategories: ${categories}\ntags: ${tags}\n---\n\n` +
      `${body}\n\n${nav}`;
    yield { path: `${ymd.slice(0, 7)}/${ymd}-${infoCode}.md`, text, template };
  }
}
