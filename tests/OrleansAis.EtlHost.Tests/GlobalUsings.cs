global using System.Net;
global using System.Text;
global using OrleansAis.Etl.Sdk;
global using OrleansAis.EtlHost.Tests.Infrastructure;
global using Xunit;
