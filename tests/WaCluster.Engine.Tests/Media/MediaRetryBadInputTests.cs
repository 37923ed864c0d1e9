using Google.Protobuf;
using WaCluster.Core.Creds;
using WaCluster.Core.Events;
using WaCluster.Core.Media;
using WaCluster.Core.Messaging;
using WaCluster.Engine.Media;
using WaCluster.Engine.Tests.Support;
using WaCluster.Protocol.Binary;
using WaCluster.Protocol.Jids;
using WaCluster.Protocol.Media;
using WaCluster.Protocol.Proto;
using WaCluster.Signal.Stores;
using ResultType = WaCluster.Protocol.Proto.MediaRetryNotification.Types.ResultType;

namespace WaCluster.Engine.Tests.Media;

/// <summary>
/// The engine's side of re-upload requests against a scripted server: the request it sends opens with the media key;
/// malformed, unopenable or failed answers end the request with a typed error (or a timeout), and malformed requests
/// are acked and reported without dropping the connection; requests for media we cannot reopen get "not found".
/// </summary>
[Trait("Proof", "media-interop")]
public sealed class MediaRetryBadInputTests
{
    private const string Me = "15550001111:7@s.whatsapp.net";
    private const string Peer = "15550002222@s.whatsapp.net";

    [Fact]
    public async Task Bad_answers_and_requests_are_typed_errors_and_the_connection_stays()
    {
        var server = new ScriptedServer();
        var creds = AuthCreds.CreateNew() with { Me = new Contact(Me), Account = [1] };
        var engine = new AccountEngine(creds, new InMemorySignalProtocolStore(creds.IdentityKeyPair, creds.RegistrationId), new RecordingPersister(),
            new EngineOptions(), server);
        using var stop = new CancellationTokenSource();
        var run = engine.RunAsync(stop.Token);
        var connection = await server.NextConnectionAsync();

        var mediaKey = MediaKeys.GenerateMediaKey();
        var message = new Message { ImageMessage = new Message.Types.ImageMessage { MediaKey = ByteString.CopyFrom(mediaKey), DirectPath = "/v/old", Url = "https://host/v/old" } };
        var key = new WaMessageKey(Jid.Parse(Peer), false, "3EB0AAAABBBBCCCC");

        async Task<Exception> AnswerAsync(params BinaryNode[] result)
        {
            var request = engine.RequestMediaReuploadAsync(key, message, TimeSpan.FromSeconds(10));
            var sent = await connection.NextSentAsync();
            Assert.Equal(("receipt", key.Id, "15550001111@s.whatsapp.net", "server-error"), (sent.Tag, sent["id"], sent["to"], sent["type"]));
            Assert.Equal((Peer, "false"), (sent.GetChild("rmr")!["jid"], sent.GetChild("rmr")!["from_me"]));
            var encrypt = sent.GetChild("encrypt")!;
            MediaRetryCrypto.DecryptRequest(new(encrypt.GetChild("enc_p")!.Bytes.ToArray(), encrypt.GetChild("enc_iv")!.Bytes.ToArray()), key.Id, mediaKey);
            connection.Push(new BinaryNode("notification", [("id", key.Id), ("from", "15550001111@s.whatsapp.net"), ("type", "mediaretry")],
                [new BinaryNode("rmr", [("jid", Peer), ("from_me", "false")]), .. result]));
            var error = await Assert.ThrowsAnyAsync<Exception>(() => request);
            Assert.Equal(("ack", key.Id, "notification"), Ack(await connection.NextSentAsync()));
            return error;
        }

        Assert.IsType<MediaRetryException>(await AnswerAsync());
        Assert.IsType<MediaRetryException>(await AnswerAsync(new BinaryNode("encrypt", [], [new BinaryNode("enc_p", [], (ReadOnlyMemory<byte>)new byte[40])])));
        var wrongKey = MediaRetryCrypto.EncryptNotification(new MediaRetryNotification { StanzaId = key.Id, Result = ResultType.Success, DirectPath = "/v/new" }, key.Id, MediaKeys.GenerateMediaKey());
        Assert.IsType<MediaRetryException>(await AnswerAsync(Encrypted(wrongKey)));
        var badPath = MediaRetryCrypto.EncryptNotification(new MediaRetryNotification { StanzaId = key.Id, Result = ResultType.Success, DirectPath = "https://elsewhere/x" }, key.Id, mediaKey);
        Assert.IsType<MediaRetryException>(await AnswerAsync(Encrypted(badPath)));
        var failed = MediaRetryCrypto.EncryptNotification(new MediaRetryNotification { StanzaId = key.Id, Result = ResultType.GeneralError }, key.Id, mediaKey);
        Assert.Equal(ResultType.GeneralError, Assert.IsType<MediaReuploadException>(await AnswerAsync(Encrypted(failed))).Result);
        Assert.Equal(ResultType.NotFound, Assert.IsType<MediaReuploadException>(await AnswerAsync(new BinaryNode("error", [("code", "2")]))).Result);

        // Nobody answers: a timeout, not a hang.
        var unanswered = engine.RequestMediaReuploadAsync(key, message, TimeSpan.FromMilliseconds(300));
        Assert.Equal("receipt", (await connection.NextSentAsync()).Tag);
        await Assert.ThrowsAsync<TimeoutException>(() => unanswered);

        // A request without <rmr>: acked and reported. One for media we never sent: acked, answered "not found".
        connection.Push(new BinaryNode("receipt", [("id", "3EB0DDDD"), ("from", Peer), ("type", "server-error")]));
        Assert.Equal(("ack", "3EB0DDDD", "receipt"), Ack(await connection.NextSentAsync()));
        Assert.Equal("media re-upload request", (await engine.Events.NextAsync<EngineError>()).Context);
        connection.Push(new BinaryNode("receipt", [("id", "3EB0EEEE"), ("from", Peer), ("type", "server-error")],
            [new BinaryNode("rmr", [("jid", Me), ("from_me", "false")])]));
        Assert.Equal(("ack", "3EB0EEEE", "receipt"), Ack(await connection.NextSentAsync()));
        var notFound = await connection.NextSentAsync();
        Assert.Equal(("notification", "3EB0EEEE", Peer, "mediaretry", "2"), (notFound.Tag, notFound["id"], notFound["to"], notFound["type"], notFound.GetChild("error")?["code"]));

        connection.Push(new BinaryNode("iq", [("id", "still-there"), ("type", "get"), ("xmlns", "urn:xmpp:ping")]));
        Assert.Equal("still-there", (await connection.NextSentAsync())["id"]);
        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(10));
    }

    private static (string, string?, string?) Ack(BinaryNode node) => (node.Tag, node["id"], node["class"]);

    private static BinaryNode Encrypted(MediaRetryCrypto.Sealed payload) =>
        new("encrypt", [], [new BinaryNode("enc_p", [], (ReadOnlyMemory<byte>)payload.Ciphertext), new BinaryNode("enc_iv", [], (ReadOnlyMemory<byte>)payload.Iv)]);
}
