using System.Security.Cryptography;
using System.Text;
using WaCluster.Protocol.Crypto;
using WaCluster.Protocol.Media;
using WaCluster.Protocol.Proto;
using WaCluster.TestSupport;
using ResultType = WaCluster.Protocol.Proto.MediaRetryNotification.Types.ResultType;

namespace WaCluster.Protocol.Tests.Media;

/// <summary>
/// Media re-upload payloads against Baileys: its encryptMediaRetryRequest output opens here, our answers open in its
/// decryptMediaRetryData and answers sealed with its primitives open here; anything tampered, truncated, under the
/// wrong key or for another message is a typed <see cref="MediaRetryException"/>.
/// </summary>
[Trait("Proof", "media-interop")]
public sealed class MediaRetryCryptoTests : IAsyncLifetime
{
    private NodeHarness _node = null!;

    public async Task InitializeAsync() => _node = await NodeHarness.StartAsync();

    public async Task DisposeAsync() => await _node.DisposeAsync();

    [Fact]
    public async Task Baileys_requests_open_here_and_name_their_message()
    {
        var cases = Enumerable.Range(0, 50).Select(i => (Id: "3EB0" + Convert.ToHexString(RandomNumberGenerator.GetBytes(8 + i % 5)), Key: MediaKeys.GenerateMediaKey())).ToArray();
        var requests = await _node.CallAsync<RequestDto[]>("mediaRetry.request", new
        {
            items = cases.Select((c, i) => new
            {
                id = c.Id, mediaKey = Convert.ToBase64String(c.Key), remoteJid = i % 2 == 0 ? "15550001111@s.whatsapp.net" : "120363000000000001@g.us",
                fromMe = i % 3 == 0, participant = i % 2 == 0 ? null : "15550002222@s.whatsapp.net", meId = "15550003333:4@s.whatsapp.net",
            }),
        });
        for (var i = 0; i < cases.Length; i++)
        {
            var (id, key) = cases[i];
            var sealedRequest = Sealed(requests[i].Ciphertext, requests[i].Iv);
            MediaRetryCrypto.DecryptRequest(sealedRequest, id, key);
            Assert.Equal("server-error", requests[i].Attrs["type"]);
            Assert.Equal("15550003333@s.whatsapp.net", requests[i].Attrs["to"]);

            Assert.Throws<MediaRetryException>(() => MediaRetryCrypto.DecryptRequest(sealedRequest, id, MediaKeys.GenerateMediaKey()));
            Assert.Throws<MediaRetryException>(() => MediaRetryCrypto.DecryptRequest(sealedRequest, id + "0", key));
            var flipped = sealedRequest.Ciphertext.ToArray();
            flipped[i % flipped.Length] ^= 0x40;
            Assert.Throws<MediaRetryException>(() => MediaRetryCrypto.DecryptRequest(sealedRequest with { Ciphertext = flipped }, id, key));
            Assert.Throws<MediaRetryException>(() => MediaRetryCrypto.DecryptRequest(sealedRequest with { Ciphertext = sealedRequest.Ciphertext[..(i % 16)] }, id, key));
            Assert.Throws<MediaRetryException>(() => MediaRetryCrypto.DecryptRequest(sealedRequest with { Iv = sealedRequest.Iv[..11] }, id, key));
            Assert.Throws<MediaException>(() => MediaRetryCrypto.DecryptRequest(sealedRequest, id, key.AsSpan(0, 31)));
        }
    }

    [Fact]
    public async Task Our_answers_open_in_Baileys_and_theirs_open_here()
    {
        var results = new[] { ResultType.Success, ResultType.NotFound, ResultType.DecryptionError, ResultType.GeneralError };
        var cases = Enumerable.Range(0, 40).Select(i => (Id: "3EB0" + Convert.ToHexString(RandomNumberGenerator.GetBytes(10)), Key: MediaKeys.GenerateMediaKey(),
            Path: $"/v/t62.7118-24/{i}_{Convert.ToHexString(RandomNumberGenerator.GetBytes(6))}.enc?ccb=11-4", Result: results[i % results.Length])).ToArray();

        var ours = cases.Select(c => MediaRetryCrypto.EncryptNotification(new MediaRetryNotification { StanzaId = c.Id, DirectPath = c.Path, Result = c.Result }, c.Id, c.Key)).ToArray();
        var opened = await _node.CallAsync<OpenedDto[]>("mediaRetry.open", new
        {
            items = cases.Select((c, i) => new { ciphertext = Convert.ToBase64String(ours[i].Ciphertext), iv = Convert.ToBase64String(ours[i].Iv), mediaKey = Convert.ToBase64String(c.Key), id = c.Id })
                // Under another message id Baileys must refuse it too.
                .Append(new { ciphertext = Convert.ToBase64String(ours[0].Ciphertext), iv = Convert.ToBase64String(ours[0].Iv), mediaKey = Convert.ToBase64String(cases[0].Key), id = cases[1].Id }),
        });
        for (var i = 0; i < cases.Length; i++)
        {
            Assert.Null(opened[i].Error);
            Assert.Equal((cases[i].Id, cases[i].Path, (int)cases[i].Result), (opened[i].StanzaId, opened[i].DirectPath, opened[i].Result));
        }
        Assert.NotNull(opened[^1].Error);

        var theirs = await _node.CallAsync<SealedDto[]>("mediaRetry.seal", new
        {
            items = cases.Select(c => new { mediaKey = Convert.ToBase64String(c.Key), id = c.Id, directPath = c.Path, result = (int)c.Result }),
        });
        for (var i = 0; i < cases.Length; i++)
        {
            var notification = MediaRetryCrypto.DecryptNotification(Sealed(theirs[i].Ciphertext, theirs[i].Iv), cases[i].Id, cases[i].Key);
            Assert.Equal((cases[i].Id, cases[i].Path, cases[i].Result), (notification.StanzaId, notification.DirectPath, notification.Result));
            Assert.Throws<MediaRetryException>(() => MediaRetryCrypto.DecryptNotification(Sealed(theirs[i].Ciphertext, theirs[i].Iv), cases[(i + 1) % cases.Length].Id, cases[i].Key));
        }
    }

    [Fact]
    public void Well_sealed_garbage_or_an_answer_about_another_message_is_refused()
    {
        var key = MediaKeys.GenerateMediaKey();
        var retryKey = HKDF.DeriveKey(HashAlgorithmName.SHA256, key, 32, salt: [], info: Encoding.ASCII.GetBytes("WhatsApp Media Retry Notification"));
        const string id = "3EB0AABBCCDDEEFF";
        MediaRetryCrypto.Sealed Seal(byte[] plaintext)
        {
            var iv = RandomNumberGenerator.GetBytes(12);
            return new(AesGcmCipher.Encrypt(retryKey, iv, plaintext, Encoding.UTF8.GetBytes(id)), iv);
        }

        // Field 1 declared 200 bytes long with 3 present; a group that never ends; invalid UTF-8 in the id.
        byte[][] malformed = [[0x0A, 0xC8, 0x01, 0x41, 0x42, 0x43], [0x0B, 0x08, 0x01], [0x0A, 0x02, 0xC3, 0x28]];
        foreach (var plaintext in malformed)
        {
            Assert.Throws<MediaRetryException>(() => MediaRetryCrypto.DecryptNotification(Seal(plaintext), id, key));
            Assert.Throws<MediaRetryException>(() => MediaRetryCrypto.DecryptRequest(Seal(plaintext), id, key));
        }
        var aboutAnother = new MediaRetryNotification { StanzaId = "3EB0000000000000", Result = ResultType.Success, DirectPath = "/v/x" };
        Assert.Throws<MediaRetryException>(() => MediaRetryCrypto.DecryptNotification(Seal(Google.Protobuf.MessageExtensions.ToByteArray(aboutAnother)), id, key));
        // A request naming no message at all (an empty ServerErrorReceipt) names the wrong one.
        Assert.Throws<MediaRetryException>(() => MediaRetryCrypto.DecryptRequest(Seal([]), id, key));
    }

    private static MediaRetryCrypto.Sealed Sealed(string ciphertext, string iv) => new(Convert.FromBase64String(ciphertext), Convert.FromBase64String(iv));

    private sealed record RequestDto(string Ciphertext, string Iv, Dictionary<string, string> Attrs);

    private sealed record OpenedDto(string? StanzaId, string? DirectPath, int Result, string? Error);

    private sealed record SealedDto(string Ciphertext, string Iv);
}
