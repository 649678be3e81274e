namespace TimeBank.Storage;

/// <summary>One numbered schema step.</summary>
internal sealed record Migration(int Version, string Name, string Sql);
