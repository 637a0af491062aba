<?php
// A PHP page served by paasmaker.runtime.php: the PHP version and the
// application's name from PM_METADATA.
$metadata = json_decode(getenv('PM_METADATA') ?: '{}', true);
$name = $metadata['application']['name'] ?? 'unknown';
header('Content-Type: text/plain; charset=utf-8');
echo 'Hello from PHP ' . PHP_VERSION . ', application ' . htmlspecialchars($name) . "\n";
