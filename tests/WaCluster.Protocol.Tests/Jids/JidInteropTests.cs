using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using WaCluster.Protocol.Jids;
using WaCluster.TestSupport;

namespace WaCluster.Protocol.Tests.Jids;

/// <summary>Our <see cref="Jid"/> parsing and formatting against Baileys' <c>jidDecode</c>, <c>jidEncode</c> and <c>jidNormalizedUser</c>.</summary>
[Trait("Proof", "wire-codec")]
public sealed class JidInteropTests : IAsyncLifetime
{
    private static readonly string[] Servers =
        ["s.whatsapp.net", "lid", "g.us", "broadcast", "newsletter", "call", "hosted", "hosted.lid", "c.us", "bot", "interop", "msgr"];

    private NodeHarness _node = null!;

    public async Task InitializeAsync() => _node = await NodeHarness.StartAsync();

    public async Task DisposeAsync() => await _node.DisposeAsync();

    [Fact]
    public async Task Parsing_agrees_with_jidDecode_and_refuses_only_what_baileys_mangles()
    {
        var random = new Random(77);
        var texts = Enumerable.Range(0, 4000).Select(i => i % 4 == 0 ? OddText(random) : WellFormedText(random))
            .Concat(["status@broadcast", "@s.whatsapp.net", "0@c.us", "123_1:2@lid", "1:0@hosted", "9@hosted.lid", "120363@newsletter"]).ToArray();
        var theirs = await _node.CallAsync<Decoded?[]>("codec.jidDecode", new { items = texts });
        var accepted = 0;
        for (var i = 0; i < texts.Length; i++)
        {
            var text = texts[i];
            var ok = Jid.TryParse(text, out var jid);
            if (theirs[i] is not { } decoded)
            {
                Assert.False(ok, $"parsed '{text}', which jidDecode rejects");
                continue;
            }
            if (!ok)
            {
                // Refusals are limited to inputs Baileys cannot represent faithfully either.
                var lossy = Reencode(decoded) != text;
                Assert.True(lossy || decoded.Server.Length == 0 || decoded.Server.Contains('@') || decoded.Device.ValueKind == JsonValueKind.String,
                    $"refused '{text}', which jidDecode reads faithfully");
                continue;
            }
            accepted++;
            Assert.Equal(decoded.User, jid.User);
            Assert.Equal(decoded.Server, jid.Server);
            Assert.Equal(decoded.Device.ValueKind == JsonValueKind.Number ? decoded.Device.GetInt32() : 0, jid.Device);
            Assert.Equal(decoded.DomainType.GetInt32(), (int)jid.DomainType);
            Assert.Equal(decoded.Normalized, jid.ToUserJid().ToString());
            Assert.Equal(string.Join(",", decoded.Kinds), string.Join(",", Kinds(jid)));
        }
        Assert.True(accepted > 3000, $"only {accepted} accepted");
    }

    [Fact]
    public async Task Formatting_agrees_with_jidEncode()
    {
        var random = new Random(78);
        var jids = Enumerable.Range(0, 3000).Select(_ => new Jid(
            random.Next(8) == 0 ? "" : Digits(random, random.Next(1, 16)),
            Servers[random.Next(Servers.Length)],
            (ushort)(random.Next(3) == 0 ? 0 : random.Next(1, 70000) % 65536),
            (byte)(random.Next(4) == 0 ? random.Next(256) : 0))).ToArray();
        var theirs = await _node.CallAsync<string[]>("codec.jidEncode", new
        {
            items = jids.Select(j => new { user = j.User, server = j.Server, device = (int)j.Device, agent = (int)j.Agent }),
        });
        for (var i = 0; i < jids.Length; i++)
        {
            Assert.Equal(theirs[i], jids[i].ToString());
            Assert.True(Jid.TryParse(theirs[i], out var back));
            Assert.Equal(jids[i], back);
        }
    }

    /// <summary>Our predicates under the names of Baileys' jid-utils helpers, in the order the handler lists them.</summary>
    private static IEnumerable<string> Kinds(Jid jid)
    {
        if (jid.IsPnUser) yield return "isPnUser";
        if (jid.IsLid) yield return "isLidUser";
        if (jid.IsGroup) yield return "isJidGroup";
        if (jid.IsBroadcast) yield return "isJidBroadcast";
        if (jid.IsStatusBroadcast) yield return "isJidStatusBroadcast";
        if (jid.IsNewsletter) yield return "isJidNewsletter";
        if (jid.IsHostedPn) yield return "isHostedPnUser";
        if (jid.IsHostedLid) yield return "isHostedLidUser";
    }

    private static string Reencode(Decoded decoded)
    {
        var device = decoded.Device.ValueKind == JsonValueKind.Number && decoded.Device.GetDouble() != 0 ? $":{decoded.Device.GetRawText()}" : "";
        return $"{decoded.User}{device}@{decoded.Server}";
    }

    private static string WellFormedText(Random random)
    {
        var builder = new StringBuilder(random.Next(10) == 0 ? "" : Digits(random, random.Next(1, 16)));
        if (random.Next(5) == 0) builder.Append('_').Append(random.Next(256));
        if (random.Next(2) == 0) builder.Append(':').Append(random.Next(100));
        return builder.Append('@').Append(Servers[random.Next(Servers.Length)]).ToString();
    }

    private static string OddText(Random random)
    {
        const string alphabet = "0123456789abc:_@.- ";
        var chars = new char[random.Next(0, 20)];
        for (var i = 0; i < chars.Length; i++) chars[i] = alphabet[random.Next(alphabet.Length)];
        return new string(chars);
    }

    private static string Digits(Random random, int length)
    {
        var chars = new char[length];
        for (var i = 0; i < length; i++) chars[i] = (char)('0' + random.Next(10));
        return new string(chars);
    }

    private sealed record Decoded(
        [property: JsonPropertyName("user")] string User,
        [property: JsonPropertyName("server")] string Server,
        [property: JsonPropertyName("domainType")] JsonElement DomainType,
        [property: JsonPropertyName("device")] JsonElement Device,
        [property: JsonPropertyName("normalized")] string Normalized,
        [property: JsonPropertyName("kinds")] string[] Kinds);
}
