using System.Globalization;
using WaCluster.Protocol.Binary;
using WaCluster.Protocol.Media;
using WaCluster.Protocol.Proto;
using WaCluster.Simulator.Accounts;
using WaCluster.Simulator.Stanzas;
using ResultType = WaCluster.Protocol.Proto.MediaRetryNotification.Types.ResultType;

namespace WaCluster.Simulator.Media;

/// <summary>
/// Media re-upload requests (<c>&lt;receipt type="server-error"&gt;</c> with <c>&lt;rmr&gt;</c>) go to whoever holds the media:
/// the sender's simulated phone answers itself when it sent it (uploads the blob again and notifies); otherwise the
/// request goes to the sender's companions, whose answer (a <c>mediaretry</c> notification addressed to the requester)
/// is relayed. With nobody to ask, the server answers "not found" (error code 2) itself.
/// </summary>
internal static class MediaRetryRelay
{
    public static void OnRequest(WaSimulator simulator, SimDevice requester, BinaryNode receipt)
    {
        var id = receipt.RequireAttribute("id");
        var rmr = receipt.GetChild("rmr") ?? throw new SimulatorException("server-error receipt without <rmr>");
        var chat = rmr.RequireJid("jid");
        var fromMe = rmr["from_me"] == "true";
        requester.Ack(ServerNodes.Ack("receipt", id, receipt["to"], type: "server-error"));

        var holder = fromMe ? requester.User : simulator.Directory.Find(rmr.GetJid("participant") ?? chat);
        if (holder is null)
        {
            Notify(simulator, requester, id, rmr, Error(ResultType.NotFound));
            return;
        }
        if (simulator.Media.FindPhoneMedia(holder.PhoneNumber, id) is { } held)
        {
            Notify(simulator, requester, id, rmr, PhoneReupload(simulator, held, id, receipt));
            return;
        }
        var forwarded = new BinaryNode("receipt",
            [("from", requester.PnJid), ("id", id), ("type", "server-error"), ("t", ServerNodes.Timestamp(WaSimulator.Now))],
            receipt.Children.AsSpan());
        var asked = 0;
        foreach (var device in holder.Companions.Values)
        {
            if (device == requester) continue;
            device.Deliver(new PendingStanza(id, "receipt", forwarded));
            asked++;
        }
        if (asked == 0) Notify(simulator, requester, id, rmr, Error(ResultType.NotFound));
    }

    /// <summary>A holder's answer: relayed to the requesting device it names.</summary>
    public static void OnAnswer(WaSimulator simulator, SimDevice holder, BinaryNode notification)
    {
        var id = notification.RequireAttribute("id");
        var to = notification.RequireJid("to");
        var rmr = notification.GetChild("rmr") ?? throw new SimulatorException("mediaretry notification without <rmr>");
        holder.Ack(ServerNodes.Ack("notification", id, to.ToString(), type: "mediaretry"));
        var result = notification.GetChild("encrypt") ?? notification.GetChild("error") ?? throw new SimulatorException("mediaretry notification without a result");
        if (simulator.FindDevice(to) is { } requester) Notify(simulator, requester, id, rmr, result);
    }

    // The phone holds the blob: it goes to the host again under a new direct path, announced under the retry key.
    private static BinaryNode PhoneReupload(WaSimulator simulator, PhoneSentMedia held, string id, BinaryNode receipt)
    {
        var notification = new MediaRetryNotification { StanzaId = id };
        var encrypt = receipt.GetChild("encrypt");
        if (encrypt?.GetChild("enc_p") is { ContentKind: NodeContentKind.Bytes } ciphertext && encrypt.GetChild("enc_iv") is { ContentKind: NodeContentKind.Bytes } iv)
        {
            try
            {
                MediaRetryCrypto.DecryptRequest(new MediaRetryCrypto.Sealed(ciphertext.Bytes.ToArray(), iv.Bytes.ToArray()), id, held.MediaKey);
                notification.Result = ResultType.Success;
            }
            catch (MediaRetryException)
            {
                notification.Result = ResultType.DecryptionError;
            }
        }
        else
        {
            notification.Result = ResultType.Success;
        }
        if (notification.Result == ResultType.Success) notification.DirectPath = simulator.Media.StoreUploaded(held.Type, held.Blob);
        var answer = MediaRetryCrypto.EncryptNotification(notification, id, held.MediaKey);
        return new BinaryNode("encrypt", [], [new BinaryNode("enc_p", [], (ReadOnlyMemory<byte>)answer.Ciphertext), new BinaryNode("enc_iv", [], (ReadOnlyMemory<byte>)answer.Iv)]);
    }

    private static BinaryNode Error(ResultType result) => new("error", [("code", ((int)result).ToString(CultureInfo.InvariantCulture))]);

    private static void Notify(WaSimulator simulator, SimDevice requester, string id, BinaryNode rmr, BinaryNode result)
    {
        var echoed = new BinaryNode("rmr", [("jid", rmr["jid"]), ("from_me", rmr["from_me"]), ("participant", rmr["participant"])]);
        var notification = new BinaryNode("notification",
            [("from", requester.User.PnJid), ("id", id), ("type", "mediaretry"), ("t", ServerNodes.Timestamp(WaSimulator.Now))],
            [echoed, result]);
        requester.Deliver(new PendingStanza(id, "notification", notification));
    }
}
