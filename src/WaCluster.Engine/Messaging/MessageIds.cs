using System.Security.Cryptography;

namespace WaCluster.Engine.Messaging;

/// <summary>Message ids in WhatsApp Web's form: "3EB0" and 18 random hex digits.</summary>
public static class MessageIds
{
    public static string New() => "3EB0" + Convert.ToHexString(RandomNumberGenerator.GetBytes(9));
}
