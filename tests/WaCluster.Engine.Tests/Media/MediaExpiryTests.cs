using System.Net;
using System.Security.Cryptography;
using Microsoft.Extensions.Time.Testing;
using WaCluster.Core.Media;
using WaCluster.Engine.Media;
using WaCluster.Simulator.Media;

namespace WaCluster.Engine.Tests.Media;

/// <summary>
/// Expired media: the simulator's media host drops blobs after their lifetime or when told to, answers 410 Gone for
/// them (404 for paths it never had), and the engine turns that into a typed <see cref="MediaExpiredException"/>.
/// </summary>
[Trait("Proof", "media-interop")]
public sealed class MediaExpiryTests : MediaSimulatorTest
{
    [Fact]
    public async Task A_Baileys_image_expired_by_the_admin_route_is_a_typed_MediaExpiredException()
    {
        var (ours, account) = await PairEngineAsync("15550007101", MediaTls.Pinned(Host.Certificate));
        await PairBaileysAsync("bob");
        var data = RandomNumberGenerator.GetBytes(20_000);
        await Node.CallAsync<MediaSummary[]>("media.sim.send", new { id = "bob", to = account.Jid, items = new[] { new { kind = "image", data = B64(data) } } }, Slow);
        var message = (await NextMessagesAsync(ours, 1))[0].Message;
        using (var before = new MemoryStream())
        {
            await ours.DownloadMediaAsync(message, before);
            Assert.Equal(data, before.ToArray());
        }

        using var admin = new HttpClient { BaseAddress = Host.BaseUri };
        var expire = "/admin/media/expire?path=" + Uri.EscapeDataString(message.ImageMessage.Url);
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync(expire, null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.PostAsync(expire, null)).StatusCode);

        var into = new MemoryStream();
        var expired = await Assert.ThrowsAsync<MediaExpiredException>(() => ours.DownloadMediaAsync(message, into));
        Assert.Equal(410, expired.StatusCode);
        Assert.Equal(0, into.Length);

        // A direct path the host never had is 404: gone as well, as far as a client can tell.
        var unknown = message.Clone();
        unknown.ImageMessage.Url = "";
        unknown.ImageMessage.DirectPath = "/v/sim/image/999999-unknown.enc";
        Assert.Equal(404, (await Assert.ThrowsAsync<MediaExpiredException>(() => ours.DownloadMediaAsync(unknown, into))).StatusCode);
    }

    [Fact]
    public void Blobs_expire_after_the_configured_lifetime()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var store = new MediaStore(TimeSpan.FromHours(1), clock);
        var blob = RandomNumberGenerator.GetBytes(100);
        var token = Convert.ToBase64String(SHA256.HashData(blob)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var path = store.Store("image", token, blob)!;
        Assert.Null(store.Store("image", token, [1, 2, 3]));

        clock.Advance(TimeSpan.FromMinutes(59));
        Assert.Equal(new MediaLookup(MediaState.Available, blob), store.Find(path));
        clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(MediaState.Expired, store.Find(path).State);
        Assert.Null(store.Find(path).Blob);
        Assert.Equal(0, store.Count);
        Assert.Equal(MediaState.Missing, store.Find("/v/sim/image/1-other.enc").State);

        var forever = new MediaStore(null, clock);
        var kept = forever.Store("image", token, blob)!;
        clock.Advance(TimeSpan.FromDays(3650));
        Assert.Equal(MediaState.Available, forever.Find(kept).State);
        Assert.Equal(1, forever.ExpireAll());
        Assert.Equal(MediaState.Expired, forever.Find(kept).State);
    }
}
