using WaCluster.Core.Events;
using WaCluster.Core.Media;
using WaCluster.Core.Stanzas;
using WaCluster.Engine.Connection;
using WaCluster.Protocol.Binary;
using WaCluster.Protocol.Media;
using ResultType = WaCluster.Protocol.Proto.MediaRetryNotification.Types.ResultType;

namespace WaCluster.Engine.Handlers;

/// <summary>
/// Someone holding one of our media messages asks for it again (a server-error receipt): if we can reopen its
/// content, upload the same blob again and tell them the new direct path; otherwise answer honestly that we do not have it.
/// </summary>
internal sealed class MediaRetryRequestHandler(AccountEngine engine)
{
    public async Task HandleAsync(ConnectionSession session, BinaryNode receipt, CancellationToken cancellationToken)
    {
        await session.SendAsync(StanzaAcks.For(receipt, engine.Creds.Me?.Id), cancellationToken).ConfigureAwait(false);
        MediaRetryNodes.ReceivedRequest request;
        try
        {
            request = MediaRetryNodes.ParseRequest(receipt);
        }
        catch (MediaRetryException ex)
        {
            engine.Emit(new EngineError("media re-upload request", ex));
            return;
        }
        if (engine.SentMedia.Find(request.Id, request.Payload) is not { } sent)
        {
            await session.SendAsync(MediaRetryNodes.Failure(request, ResultType.NotFound), cancellationToken).ConfigureAwait(false);
            return;
        }
        var result = await engine.ReuploadAsync(request, sent, cancellationToken).ConfigureAwait(false);
        var answer = MediaRetryCrypto.EncryptNotification(result, request.Id, sent.MediaKey);
        await session.SendAsync(MediaRetryNodes.Answer(request, answer), cancellationToken).ConfigureAwait(false);
    }
}
