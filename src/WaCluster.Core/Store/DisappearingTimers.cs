using System.Buffers.Binary;
using WaCluster.Protocol.Jids;

namespace WaCluster.Core.Store;

/// <summary>
/// The disappearing-messages timer of each 1:1 chat that has one, in seconds, by chat (a chat without an entry keeps
/// its messages). Groups carry theirs in their metadata.
/// </summary>
public sealed class DisappearingTimers(IAccountDataReader data)
{
    public const string Kind = "chat-ephemeral";

    public uint Of(Jid chat) =>
        data.TryGet(Kind, chat.ToNonAd().ToString(), out var value) && value.Length == sizeof(uint) ? BinaryPrimitives.ReadUInt32BigEndian(value) : 0;

    /// <summary>Stages <paramref name="seconds"/> (0: off) as the chat's timer when it differs from the known one.</summary>
    public static void Learn(AccountDataTransaction transaction, Jid chat, uint seconds)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        if (new DisappearingTimers(transaction).Of(chat) == seconds) return;
        var key = chat.ToNonAd().ToString();
        if (seconds == 0)
        {
            transaction.Remove(Kind, key);
            return;
        }
        var value = new byte[sizeof(uint)];
        BinaryPrimitives.WriteUInt32BigEndian(value, seconds);
        transaction.Set(Kind, key, value);
    }
}
