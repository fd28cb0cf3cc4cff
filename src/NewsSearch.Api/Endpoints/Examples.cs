using NewsSearch.Api.Infrastructure;
using NewsSearch.Core.Search;

namespace NewsSearch.Api.Endpoints;

/// <summary>The examples the OpenAPI document shows (our own text, in the shapes the API answers with).</summary>
public static class Examples
{
    public static readonly ArticleInput Input = new("bike-refund", "市民排队办理公共自行车押金退还",
        "本月起，公共自行车押金可以在市民中心窗口办理退还。\n工作人员提醒，退卡退费没有时限，市民无需扎堆。",
        null, ["周明", "李华"], "2026-01-08", "城事");

    public const string JsonLines =
        "{\"id\":\"rail-park\",\"title\":\"轨道交通产业园开工\",\"body\":\"新的轨道交通产业园今天开工建设。\",\"publishedAt\":\"2026-01-09\"}\n"
        + "{\"id\":\"bike-lane\",\"title\":\"城区新增自行车道\",\"body\":\"城区今年新增自行车道十二公里。\",\"authors\":\"陈静、李华\"}\n";

    public static readonly SearchResponse Search = new("公共自行车 押金", 1, 3.2, 1, 10,
    [
        new SearchHit("bike-refund", "市民排队办理公共自行车押金退还", ["周明", "李华"], new DateOnly(2026, 1, 8), "城事", 7.31f,
            new SearchHighlights("市民排队办理<mark>公共自行车</mark><mark>押金</mark>退还",
                ["本月起，<mark>公共自行车</mark><mark>押金</mark>可以在市民中心窗口办理退还。"])),
    ]);

    public static readonly ArticleResponse Article = new("bike-refund", "Article", "市民排队办理公共自行车押金退还", null, null,
        ["周明", "李华"], ["周明"], ["李华"], new DateOnly(2026, 1, 8), "json:publishedAt", "城事", null,
        "本月起，公共自行车押金可以在市民中心窗口办理退还。\n工作人员提醒，退卡退费没有时限，市民无需扎堆。", [],
        new ArticleSource("request", 1, 1), 1042);

    public static readonly NewsSearch.Core.Engine.IndexStats Stats = new("index-data/index/v1", 42, 200_050, "jieba-news/3 dict:5c1e…", 200_100, 200_000, 100,
        [new("_a1", 200_100, 200_000, 100, 512_000_000)],
        new Dictionary<string, long> { ["title"] = 180_000, ["body"] = 1_900_000 },
        new Dictionary<string, long> { [".tim"] = 40_000_000, [".doc"] = 210_000_000, [".pos"] = 260_000_000, [".nrm"] = 2_000_000 },
        new Dictionary<string, NewsSearch.Core.Engine.FieldBytes> { ["body"] = new(30_000_000, 190_000_000, 240_000_000, 1_000_000) })
    {
        Engine = "native",
        Format = "native/6",
    };

    public static JobView Job(string kind, string unit) => new("3f2a9c1b7d40", kind, JobState.Running, 120_000, 200_000, unit,
        8_000, 10, new DateTimeOffset(2026, 1, 9, 8, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 1, 9, 8, 0, 1, TimeSpan.Zero),
        null, null, null, "/api/v1/admin/jobs/3f2a9c1b7d40");
}
