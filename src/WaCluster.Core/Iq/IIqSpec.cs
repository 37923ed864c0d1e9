using System.Globalization;
using WaCluster.Protocol.Binary;

namespace WaCluster.Core.Iq;

/// <summary>
/// One iq the client sends: how to build the request for a stanza id and how to read the server's result into
/// <typeparamref name="TResponse"/>. No I/O: the engine sends the request and hands back the response.
/// </summary>
public interface IIqSpec<out TResponse>
{
    /// <summary>The request, carrying <paramref name="id"/> as its stanza id.</summary>
    BinaryNode Build(string id);

    /// <summary>Reads a result (never an error: <see cref="IqResponses.Read{T}"/> turns those into <see cref="IqErrorException"/>).</summary>
    TResponse Parse(BinaryNode response);
}

/// <summary>The answer of an iq whose result carries nothing but its success.</summary>
public readonly record struct IqAccepted;

/// <summary>The one place a response becomes either a typed error or what its spec reads from it.</summary>
public static class IqResponses
{
    public static TResponse Read<TResponse>(IIqSpec<TResponse> spec, string id, BinaryNode response)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(response);
        if (response.GetAttribute("type") == "error")
        {
            var error = response.GetChild("error");
            var code = int.TryParse(error?.GetAttribute("code"), NumberStyles.None, CultureInfo.InvariantCulture, out var c) ? c : 500;
            throw new IqErrorException(id, code, error?.GetAttribute("text") ?? "error");
        }
        return spec.Parse(response);
    }

    /// <summary>The child a result must carry, or a typed error naming what was asked.</summary>
    internal static BinaryNode Require(BinaryNode response, string tag, string what) =>
        response.GetChild(tag) ?? throw new IqResponseException($"{what} answer without <{tag}>");
}
