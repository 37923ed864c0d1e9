using CsCheck;
using Google.Protobuf;
using WaCluster.Signal.Messages;
using WaCluster.Signal.Sessions;
using WaCluster.Signal.Stores;
using WaCluster.Signal.Tests.Support;

namespace WaCluster.Signal.Tests.Messages;

/// <summary>Hostile bytes at every 1:1 entry point end in a typed Signal error and change no state.</summary>
[Trait("Proof", "signal-property")]
public sealed class MalformedMessageTests
{
    [Fact]
    public async Task Random_bytes_are_typed_errors_for_parsers_records_and_the_cipher()
    {
        var pair = await EstablishedPair.CreateAsync();
        var before = pair.Bob.Store.Sessions[EstablishedPair.AliceAddress];
        Gen.Byte.Array[0, 300].Sample(bytes =>
        {
            AssertTypedOrValid(() => WhisperMessage.Parse(bytes));
            AssertTypedOrValid(() => PreKeyWhisperMessage.Parse(bytes));
            AssertTypedOrValid(() => SessionRecord.Parse(bytes));
            AssertTypedOrValid(() => SignalStateChange.Parse(bytes));
            Assert.ThrowsAny<SignalException>(() => pair.Bob.DecryptAsync(EstablishedPair.AliceAddress, SignalMessageType.Whisper, bytes).GetAwaiter().GetResult());
            Assert.ThrowsAny<SignalException>(() => pair.Bob.DecryptAsync(EstablishedPair.AliceAddress, SignalMessageType.PreKey, bytes).GetAwaiter().GetResult());
        }, iter: 5_000, threads: 1);
        Assert.Same(before, pair.Bob.Store.Sessions[EstablishedPair.AliceAddress]);
    }

    [Fact]
    public async Task Every_truncation_and_bit_flip_of_a_real_msg_and_pkmsg_is_rejected_without_a_state_change()
    {
        var pair = await EstablishedPair.CreateAsync();
        var message = await pair.AliceSendsAsync([1, 2, 3, 4, 5]);
        Assert.Equal(SignalMessageType.Whisper, message.Type);

        var fresh = await OurDevice.CreateAsync();
        var target = await OurDevice.CreateAsync();
        await fresh.ProcessBundleAsync(EstablishedPair.BobAddress, target.Bundle(target.PreKeys[1]));
        var preKeyMessage = await fresh.EncryptAsync(EstablishedPair.BobAddress, [9, 8, 7]);
        Assert.Equal(SignalMessageType.PreKey, preKeyMessage.Type);

        var sentPlaintext = new Dictionary<EncryptedMessage, byte[]> { [message] = [1, 2, 3, 4, 5], [preKeyMessage] = [9, 8, 7] };
        foreach (var (receiver, sent) in new[] { (pair.Bob, message), (target, preKeyMessage) })
        {
            var before = receiver.Store.Sessions.GetValueOrDefault(EstablishedPair.AliceAddress);
            var preKeys = receiver.Store.PreKeys.Count;
            for (var length = 0; length < sent.Body.Length; length++)
            {
                await Assert.ThrowsAnyAsync<SignalException>(() => receiver.DecryptAsync(EstablishedPair.AliceAddress, sent.Type, sent.Body[..length]));
            }
            for (var bit = 0; bit < sent.Body.Length * 8; bit++)
            {
                var flipped = (byte[])sent.Body.Clone();
                flipped[bit / 8] ^= (byte)(1 << (bit % 8));
                // Each attempt runs in a transaction that is never applied, so every flip meets the same state.
                var transaction = new SignalStoreTransaction(receiver.Store);
                try
                {
                    // The version byte and a pkmsg's header (e.g. registration id) are not under the MAC, as in
                    // libsignal: such a flip may still decrypt, but only ever to the original plaintext.
                    var plaintext = await new SessionCipher(transaction, EstablishedPair.AliceAddress).DecryptAsync(sent.Type, flipped);
                    Assert.Equal(sentPlaintext[sent], plaintext);
                    Assert.True(bit < 8 || sent.Type == SignalMessageType.PreKey, $"flipped bit {bit} under the MAC decrypted");
                }
                catch (SignalException)
                {
                    Assert.True(transaction.ToChange().IsEmpty);
                }
            }
            Assert.Same(before, receiver.Store.Sessions.GetValueOrDefault(EstablishedPair.AliceAddress));
            Assert.Equal(preKeys, receiver.Store.PreKeys.Count);
        }
    }

    [Fact]
    public void A_length_field_that_lies_is_an_invalid_message_not_an_allocation()
    {
        // Field 4 (ciphertext) claiming 2 GB behind a valid version byte, then a fake MAC.
        var body = new byte[] { 0x33, 0x22, 0xFF, 0xFF, 0xFF, 0xFF, 0x07, 1, 2, 3, 4, 5, 6, 7, 8 };
        Assert.Throws<InvalidMessageException>(() => WhisperMessage.Parse(body));
        Assert.Throws<InvalidMessageException>(() => PreKeyWhisperMessage.Parse(body));
        var record = new byte[] { 0x08, 0x01, 0x12, 0xFF, 0xFF, 0xFF, 0xFF, 0x07 };
        Assert.Throws<InvalidMessageException>(() => SessionRecord.Parse(record));
    }

    [Fact]
    public void Wrong_versions_and_missing_fields_are_invalid_messages()
    {
        var valid = new Proto.WhisperMessage
        {
            EphemeralKey = ByteString.CopyFrom(new byte[33] { 5, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32 }),
            Counter = 1,
            Ciphertext = ByteString.CopyFrom(new byte[16]),
        }.ToByteArray();
        byte[] Framed(byte version, byte[] body) => [version, .. body, .. new byte[8]];

        Assert.Equal(1u, WhisperMessage.Parse(Framed(0x33, valid)).Counter);
        Assert.Throws<InvalidMessageException>(() => WhisperMessage.Parse(Framed(0x22, valid)));
        Assert.Throws<InvalidMessageException>(() => WhisperMessage.Parse(Framed(0x34, valid)));
        Assert.Throws<InvalidMessageException>(() => WhisperMessage.Parse(Framed(0x33, new Proto.WhisperMessage { Counter = 1 }.ToByteArray())));
        var rawKey = new Proto.WhisperMessage { EphemeralKey = ByteString.CopyFrom(new byte[32]), Ciphertext = ByteString.CopyFrom(new byte[16]) };
        Assert.Throws<InvalidMessageException>(() => WhisperMessage.Parse(Framed(0x33, rawKey.ToByteArray())));
    }

    private static void AssertTypedOrValid(Action parse)
    {
        try
        {
            parse();
        }
        catch (SignalException)
        {
        }
    }
}
