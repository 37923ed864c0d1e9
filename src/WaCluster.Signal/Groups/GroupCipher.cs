namespace WaCluster.Signal.Groups;

/// <summary>
/// Encrypts our messages to a group, or decrypts one sender's, through an <see cref="ISenderKeyStore"/>: load the
/// record, run <see cref="SenderKeyCipher"/>, store the record only if that succeeded.
/// Callers serialise operations per <see cref="SenderKeyName"/> (one actor per account does).
/// </summary>
public sealed class GroupCipher(ISenderKeyStore store, SenderKeyName name)
{
    public SenderKeyName Name => name;

    /// <exception cref="NoSessionException">No sending key was created for <see cref="Name"/>.</exception>
    public async Task<byte[]> EncryptAsync(ReadOnlyMemory<byte> plaintext)
    {
        var record = await store.LoadSenderKeyAsync(name).ConfigureAwait(false)
            ?? throw new NoSessionException($"no sender key record for {name}");
        var message = SenderKeyCipher.Encrypt(record, plaintext.Span);
        await store.StoreSenderKeyAsync(name, record).ConfigureAwait(false);
        return message;
    }

    /// <exception cref="NoSessionException">No record for the sender, or none for the message's key id.</exception>
    /// <remarks>Other failures as <see cref="SenderKeyCipher.Decrypt"/>; the stored record is untouched by any of them.</remarks>
    public async Task<byte[]> DecryptAsync(ReadOnlyMemory<byte> senderKeyMessage)
    {
        var record = await store.LoadSenderKeyAsync(name).ConfigureAwait(false)
            ?? throw new NoSessionException($"no sender key record for {name}");
        var plaintext = SenderKeyCipher.Decrypt(record, senderKeyMessage.Span);
        await store.StoreSenderKeyAsync(name, record).ConfigureAwait(false);
        return plaintext;
    }
}
