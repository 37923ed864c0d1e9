using Google.Protobuf;
using WaCluster.Contracts.Proto;
using WaCluster.Core;
using WaCluster.Core.Messaging;
using WaCluster.Engine;
using WaCluster.Protocol.Jids;
using WaCluster.Protocol.Proto;

namespace WaCluster.Actors.Accounts;

/// <summary>
/// Checks an outgoing message before it enters the outbox, so that nothing the engine would refuse is persisted and
/// resent forever: the id, the destination and the serialized message must all be usable.
/// </summary>
internal static class SendIntents
{
    /// <summary>Why <paramref name="intent"/> cannot be sent, or null when it can.</summary>
    public static string? Invalid(SendIntent intent)
    {
        try
        {
            MessageIds.Validate(intent.MessageId);
        }
        catch (EngineException e)
        {
            return e.Message;
        }
        if (!Jid.TryParse(intent.ToJid, out var to) || to.IsEmpty || !(to.IsPnUser || to.IsLid || to.IsGroup))
        {
            return $"to_jid '{intent.ToJid}' is not a user or group JID";
        }
        if (intent.Message.IsEmpty)
        {
            return "the message is empty";
        }
        try
        {
            Message.Parser.ParseFrom(intent.Message);
        }
        catch (InvalidProtocolBufferException)
        {
            return "the message is not a serialized WAProto Message";
        }
        return null;
    }
}
