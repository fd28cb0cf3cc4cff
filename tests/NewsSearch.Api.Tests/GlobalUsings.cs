global using NUnit.Framework;
global using NewsSearch.Core.Tests;
