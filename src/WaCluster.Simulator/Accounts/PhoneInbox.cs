using System.Threading.Channels;
using Google.Protobuf;
using WaCluster.Protocol.Binary;
using WaCluster.Protocol.Proto;
using WaCluster.Signal;
using WaCluster.Signal.Messages;
using WaCluster.Signal.Sessions;
using ProtocolType = WaCluster.Protocol.Proto.Message.Types.ProtocolMessage.Types.Type;

namespace WaCluster.Simulator.Accounts;

/// <summary>A text a simulated phone decrypted.</summary>
public sealed record PhoneMessage(string Id, string FromDevice, string Text);

/// <summary>
/// What a simulated phone does with 1:1 messages addressed to it: decrypts them in arrival order (off the server's
/// state lock, Signal being asynchronous), keeps the texts, and sends the sender a delivery receipt.
/// </summary>
internal sealed class PhoneInbox
{
    private readonly Channel<(SimDevice Sender, BinaryNode Stanza)> _queue = Channel.CreateUnbounded<(SimDevice, BinaryNode)>(new UnboundedChannelOptions { SingleReader = true });
    private readonly List<PhoneMessage> _messages = [];
    private readonly WaSimulator _simulator;
    private readonly SimUser _owner;
    private long _failures;

    public PhoneInbox(WaSimulator simulator, SimUser owner)
    {
        _simulator = simulator;
        _owner = owner;
        _ = Task.Run(RunAsync);
    }

    public long Failures => Interlocked.Read(ref _failures);

    public IReadOnlyList<PhoneMessage> Messages
    {
        get
        {
            lock (_messages) return [.. _messages];
        }
    }

    public void Enqueue(SimDevice sender, BinaryNode stanza) => _queue.Writer.TryWrite((sender, stanza));

    private async Task RunAsync()
    {
        await foreach (var (sender, stanza) in _queue.Reader.ReadAllAsync())
        {
            try
            {
                var message = await DecryptAsync(sender, stanza);
                var text = message.HasConversation ? message.Conversation : message.ExtendedTextMessage?.Text;
                lock (_messages) _messages.Add(new PhoneMessage(stanza.RequireAttribute("id"), sender.PnJid.ToString(), text ?? string.Empty));
                // A companion of this account that lacks an app state key asks the phone for it.
                if (sender.User == _owner && message.ProtocolMessage is { Type: ProtocolType.AppStateSyncKeyRequest, AppStateSyncKeyRequest: { } request })
                {
                    await _simulator.PhoneShareAppStateKeysAsync(sender, [.. request.KeyIds.Select(k => k.KeyId)]);
                }
                if (sender.User != _owner) _simulator.OnPhoneDelivered(_owner, sender, stanza);
            }
            catch (Exception ex) when (ex is WaCluster.Protocol.ProtocolException or SignalException or InvalidProtocolBufferException)
            {
                Interlocked.Increment(ref _failures);
            }
        }
    }

    private async Task<Message> DecryptAsync(SimDevice sender, BinaryNode stanza)
    {
        var enc = stanza.GetChildren("enc").FirstOrDefault(e => e["type"] is "pkmsg" or "msg") ?? throw new SimulatorException("no pairwise ciphertext for the phone");
        var type = enc["type"] == "pkmsg" ? SignalMessageType.PreKey : SignalMessageType.Whisper;
        var address = new ProtocolAddress(sender.User.PhoneNumber, sender.Id);
        var padded = await _owner.Phone.WithStoreAsync(store => new SessionCipher(store, address).DecryptAsync(type, enc.Bytes));
        // Senders pad the serialized Message with n bytes of value n (1 to 16).
        var pad = padded.Length == 0 ? 0 : padded[^1];
        if (pad is 0 or > 16 || pad > padded.Length) throw new SimulatorException("bad message padding");
        var message = Message.Parser.ParseFrom(padded.AsSpan(0, padded.Length - pad));
        return message.DeviceSentMessage?.Message ?? message;
    }
}
