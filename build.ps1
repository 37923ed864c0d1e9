#!/usr/bin/env pwsh
# WaCluster build entry point. Run through the local tool: `dotnet tool restore; dotnet pwsh build.ps1 <target>`.
#   build          Release build of Cluster.sln, warnings as errors
#   test           build, install the Node interop packages when missing, run every test
#   bench <name>   run a benchmark (codec, signal, ...) of tests/WaCluster.Benchmarks
#   run [--exit]   start the main job: embedded simulator, two of our accounts pair and chat (see README)
param(
    [Parameter(Position = 0)][ValidateSet('build', 'test', 'bench', 'run')][string]$Target = 'build',
    [Parameter(Position = 1, ValueFromRemainingArguments = $true)][string[]]$Rest = @()
)
$ErrorActionPreference = 'Stop'
Set-Location $PSScriptRoot
$env:DOTNET_CLI_TELEMETRY_OPTOUT = '1'
$env:DOTNET_NOLOGO = '1'

function Invoke-Checked([string]$exe, [string[]]$argv) {
    & $exe @argv
    if ($LASTEXITCODE -ne 0) { throw "$exe $($argv -join ' ') failed with exit code $LASTEXITCODE" }
}

function Install-InteropPackages {
    $interop = Join-Path $PSScriptRoot 'tests/interop'
    $marker = Join-Path $interop 'node_modules/.package-lock.json'
    $lock = Join-Path $interop 'package-lock.json'
    if (-not (Test-Path $marker) -or [IO.File]::GetLastWriteTimeUtc($lock) -gt [IO.File]::GetLastWriteTimeUtc($marker)) {
        Write-Host 'Installing Node interop packages (npm ci)...'
        Push-Location $interop
        try { Invoke-Checked 'npm' @('ci', '--no-audit', '--no-fund') } finally { Pop-Location }
    }
}

function Invoke-Build {
    Invoke-Checked 'dotnet' @('build', 'Cluster.sln', '-c', 'Release', '-warnaserror', '-nologo', '-v', 'minimal')
}

switch ($Target) {
    'build' { Invoke-Build }
    'test' {
        Install-InteropPackages
        Invoke-Build
        Invoke-Checked 'dotnet' (@('test', 'Cluster.sln', '-c', 'Release', '--no-build', '-nologo',
            '--logger', 'console;verbosity=normal') + $Rest)
    }
    'bench' {
        if ($Rest.Count -lt 1) { throw 'usage: build.ps1 bench <name>  (codec, signal, ...)' }
        Install-InteropPackages
        Invoke-Checked 'dotnet' (@('run', '--project', 'tests/WaCluster.Benchmarks', '-c', 'Release', '--') + $Rest)
    }
    'run' {
        # The main job: one cluster node on SQLite with the embedded simulator; two accounts pair and chat through it.
        Invoke-Checked 'dotnet' (@('run', '--project', 'src/WaCluster.Demo', '-c', 'Release', '--') + $Rest)
    }
}
