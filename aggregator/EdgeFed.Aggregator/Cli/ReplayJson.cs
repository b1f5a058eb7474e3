using System.Buffers;
using System.Text;
using System.Text.Json;
using EdgeFed.Aggregator.Concentration;
using EdgeFed.Aggregator.Replay;

namespace EdgeFed.Aggregator.Cli;

/// <summary>
/// The replay's JSON, written field by field with <see cref="Utf8JsonWriter"/>: the same keys, order and number
/// formatting as serialising dictionaries did, without building ~2,000 of them and their boxed values for the MCI view
/// (the profile's largest part after reading the labels).
/// </summary>
internal static class ReplayJson
{
    public static string Windows(IEnumerable<ReplayResult> windows) => Write(json =>
    {
        foreach (var w in windows)
        {
            var s = w.Summary;
            json.WriteStartObject();
            json.WriteString("window", w.Window);
            json.WriteNumber("blocks", w.Blocks);
            json.WriteNumber("top1", R(s.Cr1));
            json.WriteNumber("top2", R(s.Cr2));
            json.WriteNumber("top4", R(s.Cr4));
            json.WriteNumber("top6", R(s.Cr6));
            json.WriteNumber("hhi", Math.Round(s.Hhi, 2));
            json.WriteNumber("effectiveEntities", R(s.EffectiveEntities));
            json.WriteNumber("nakamoto", s.NakamotoCoefficient);
            json.WriteNumber("tau66", s.Tau66);
            json.WriteNumber("gini", R(s.Gini));
            json.WriteNumber("entropy", R(s.Entropy));
            json.WriteNumber("renyi0", R(s.Renyi0));
            json.WriteNumber("renyi2", R(s.Renyi2));
            json.WriteNumber("renyiInf", R(s.RenyiInfinity));
            json.WriteNumber("theil", R(s.Theil));
            json.WriteString("hhiBand2010", s.HhiBand2010);
            json.WriteBoolean("highlyConcentrated2023", s.HighlyConcentrated2023);
            json.WriteNumber("unknown", R(s.Shares.FirstOrDefault(e => e.Entity == "unknown")?.Share ?? 0));
            if (s.Shares.Count > 0)
            {
                json.WriteString("topEntity", s.Shares[0].Entity);
            }
            else
            {
                json.WriteNull("topEntity");
            }

            json.WriteStartObject("ci");
            Pair(json, "top1", s.Intervals?.Top1, 6);
            Pair(json, "top2", s.Intervals?.Top2, 6);
            Pair(json, "top4", s.Intervals?.Top4, 6);
            Pair(json, "top6", s.Intervals?.Top6, 6);
            Pair(json, "hhi", s.Intervals?.Hhi, 2);
            json.WriteEndObject();
            json.WriteEndObject();
        }
    });

    public static string Mci(IEnumerable<MciDay> days) => Write(json =>
    {
        foreach (var d in days)
        {
            json.WriteStartObject();
            json.WriteString("day", d.Day);
            json.WriteNumber("blocks", d.Blocks);
            Tops(json, "top", d.TopShares);
            Tops(json, "ma30", d.MovingAverage30);
            json.WriteEndObject();
        }
    });

    private static string Write(Action<Utf8JsonWriter> items)
    {
        var buffer = new ArrayBufferWriter<byte>(1 << 16);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartArray();
            items(json);
            json.WriteEndArray();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static void Tops(Utf8JsonWriter json, string name, double[] values)
    {
        json.WriteStartObject(name);
        for (var k = 0; k < MciView.Tops.Length; k++)
        {
            json.WriteNumber($"top{MciView.Tops[k]}", R(values[k]));
        }

        json.WriteEndObject();
    }

    private static void Pair(Utf8JsonWriter json, string name, Interval? interval, int digits)
    {
        json.WriteStartArray(name);
        if (interval is not null)
        {
            json.WriteNumberValue(Math.Round(interval.Low, digits));
            json.WriteNumberValue(Math.Round(interval.High, digits));
        }

        json.WriteEndArray();
    }

    private static double R(double value) => Math.Round(value, 6);
}
