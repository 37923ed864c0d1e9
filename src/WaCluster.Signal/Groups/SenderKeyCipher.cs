using WaCluster.Protocol.Crypto;

namespace WaCluster.Signal.Groups;

/// <summary>
/// Group encryption and decryption on a <see cref="SenderKeyRecord"/> held by the caller (the store-backed form is
/// <see cref="GroupCipher"/>). A record is changed only when the operation succeeds, so a failed decrypt leaves it
/// exactly as it was. Not thread-safe per record.
/// </summary>
public static class SenderKeyCipher
{
    /// <summary>How far past the chain a message may be (Baileys' limit); further ahead is refused.</summary>
    public const int MaxFutureMessages = 2000;

    /// <summary>Encrypts with our current sending state, advancing its chain by one.</summary>
    /// <exception cref="NoSessionException">The record holds no sending state of ours.</exception>
    public static byte[] Encrypt(SenderKeyRecord record, ReadOnlySpan<byte> plaintext)
    {
        var state = record.CurrentState;
        if (state is not { CanSign: true })
        {
            throw new NoSessionException("no own sender key state to encrypt with");
        }
        var iteration = state.ChainIteration;
        if (iteration == uint.MaxValue)
        {
            throw new NoSessionException($"sender key {state.KeyId} is exhausted; rotate it");
        }

        Span<byte> messageSeed = stackalloc byte[SenderKeyState.SeedLength];
        Span<byte> nextChainSeed = stackalloc byte[SenderKeyState.SeedLength];
        Span<byte> ivAndKey = stackalloc byte[SenderChain.CipherMaterialLength];
        SenderChain.Step(state.ChainSeed, messageSeed, nextChainSeed);
        SenderChain.CipherMaterial(messageSeed, ivAndKey);

        var ciphertextLength = Aes256CbcCipher.CiphertextLength(plaintext.Length);
        var message = SenderKeyMessage.Allocate(state.KeyId, iteration, ciphertextLength, out var ciphertext);
        Aes256CbcCipher.Encrypt(ivAndKey[SenderChain.IvLength..], ivAndKey[..SenderChain.IvLength], plaintext, message.AsSpan(ciphertext));
        SenderKeyMessage.Sign(message, state.SigningPrivateKey);

        state.AdvanceChain(iteration + 1, nextChainSeed, []);
        ivAndKey.Clear();
        messageSeed.Clear();
        return message;
    }

    /// <summary>Verifies and decrypts a peer's group message with the state its key id names.</summary>
    /// <exception cref="InvalidMessageException">Malformed message, or a body that does not decrypt.</exception>
    /// <exception cref="NoSessionException">The record has no state for the message's key id.</exception>
    /// <exception cref="InvalidSignatureException">The signature does not verify with that state's signing key.</exception>
    /// <exception cref="DuplicateMessageException">The message's iteration was already consumed.</exception>
    /// <exception cref="MessageTooFarInFutureException">The iteration is more than <see cref="MaxFutureMessages"/> past the chain.</exception>
    public static byte[] Decrypt(SenderKeyRecord record, ReadOnlySpan<byte> serialized)
    {
        var message = SenderKeyMessage.Parse(serialized);
        var state = record.StateFor(message.KeyId)
            ?? throw new NoSessionException($"no sender key state for key id {message.KeyId}");
        if (!SenderKeyMessage.HasValidSignature(serialized, state.SigningPublicKey))
        {
            throw new InvalidSignatureException($"sender key message signature does not verify (key id {message.KeyId})");
        }
        var ciphertext = serialized[message.Ciphertext];
        Span<byte> ivAndKey = stackalloc byte[SenderChain.CipherMaterialLength];

        if (message.Iteration < state.ChainIteration)
        {
            var index = state.IndexOfSkipped(message.Iteration);
            if (index < 0)
            {
                throw new DuplicateMessageException(
                    $"sender key {message.KeyId} iteration {message.Iteration} was already used (chain at {state.ChainIteration})");
            }
            SenderChain.CipherMaterial(state.SkippedSeedAt(index), ivAndKey);
            var latePlaintext = DecryptBody(ivAndKey, ciphertext);
            state.RemoveSkippedAt(index);
            return latePlaintext;
        }

        var distance = message.Iteration - state.ChainIteration;
        if (distance > MaxFutureMessages)
        {
            throw new MessageTooFarInFutureException(
                $"sender key {message.KeyId} iteration {message.Iteration} is {distance} past the chain (at most {MaxFutureMessages})");
        }
        if (message.Iteration == uint.MaxValue)
        {
            throw new InvalidMessageException("sender key message iteration leaves no room for the chain to advance");
        }

        // Walk a copy of the chain: the state changes only once the body decrypted.
        Span<byte> chain = stackalloc byte[SenderKeyState.SeedLength];
        Span<byte> next = stackalloc byte[SenderKeyState.SeedLength];
        state.ChainSeed.CopyTo(chain);
        var jumpedOver = distance == 0 ? [] : new SkippedMessageKey[distance];
        for (var i = 0; i < jumpedOver.Length; i++)
        {
            var seed = new byte[SenderKeyState.SeedLength];
            SenderChain.Step(chain, seed, next);
            jumpedOver[i] = new SkippedMessageKey(state.ChainIteration + (uint)i, seed);
            next.CopyTo(chain);
        }
        Span<byte> messageSeed = stackalloc byte[SenderKeyState.SeedLength];
        SenderChain.Step(chain, messageSeed, next);
        SenderChain.CipherMaterial(messageSeed, ivAndKey);
        var plaintext = DecryptBody(ivAndKey, ciphertext);

        state.AdvanceChain(message.Iteration + 1, next, jumpedOver);
        chain.Clear();
        next.Clear();
        messageSeed.Clear();
        return plaintext;
    }

    private static byte[] DecryptBody(Span<byte> ivAndKey, ReadOnlySpan<byte> ciphertext)
    {
        try
        {
            if (ciphertext.IsEmpty || ciphertext.Length % AesCbcCipher.BlockLength != 0)
            {
                throw new InvalidMessageException($"sender key ciphertext of {ciphertext.Length} bytes is not a whole number of blocks");
            }
            return Aes256CbcCipher.Decrypt(ivAndKey[SenderChain.IvLength..], ivAndKey[..SenderChain.IvLength], ciphertext);
        }
        catch (CryptoException ex)
        {
            throw new InvalidMessageException("sender key message body does not decrypt (bad padding)", ex);
        }
        finally
        {
            ivAndKey.Clear();
        }
    }
}
