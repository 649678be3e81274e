namespace System.Runtime.CompilerServices;

/// <summary>Lets records compile on netstandard2.0, which the compiler that hosts analyzers runs on.</summary>
internal static class IsExternalInit;
