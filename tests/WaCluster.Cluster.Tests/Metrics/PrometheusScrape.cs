using System.Globalization;

namespace WaCluster.Cluster.Tests.Metrics;

/// <summary>One scrape of a Prometheus text exposition: sample values by name and labels.</summary>
public sealed class PrometheusScrape
{
    private readonly List<(string Name, Dictionary<string, string> Labels, double Value)> _samples = [];

    private PrometheusScrape(string text)
    {
        Text = text;
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (line.StartsWith('#'))
            {
                continue;
            }
            var brace = line.IndexOf('{');
            var space = line.LastIndexOf(' ');
            var name = brace >= 0 ? line[..brace] : line[..line.IndexOf(' ')];
            var labels = new Dictionary<string, string>(StringComparer.Ordinal);
            if (brace >= 0)
            {
                var body = line[(brace + 1)..line.LastIndexOf('}')];
                foreach (var pair in body.Split(',', StringSplitOptions.RemoveEmptyEntries))
                {
                    var equals = pair.IndexOf('=');
                    labels[pair[..equals]] = pair[(equals + 1)..].Trim('"');
                }
            }
            _samples.Add((name, labels, double.Parse(line[(space + 1)..], CultureInfo.InvariantCulture)));
        }
    }

    public string Text { get; }

    public static async Task<PrometheusScrape> GetAsync(HttpClient http, Uri metrics) =>
        new(await http.GetStringAsync(metrics));

    public bool Has(string name) => _samples.Any(sample => sample.Name == name);

    /// <summary>The sum of the samples named <paramref name="name"/> whose labels include <paramref name="labels"/> (0 when none).</summary>
    public double Value(string name, params (string Key, string Value)[] labels) =>
        _samples.Where(sample => sample.Name == name && labels.All(label => sample.Labels.TryGetValue(label.Key, out var value) && value == label.Value))
            .Sum(sample => sample.Value);
}
