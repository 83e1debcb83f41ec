// The task supervisor, a small Perl program (perl-base: on every Debian and almost every Unix, starts in ~3 ms,
// forks in ~0.2 ms where a fork of tandem's node process costs ~6 ms). tandem starts one on first use and talks
// to it over a pipe, one line per message, every free-form field hex-encoded:
//
//   tandem -> supervisor                         supervisor -> tandem
//   E key k=v…       define an environment       s id pid            started (pid of the spawned wrapper)
//   S id envkey cwd log cap flags token argv…    o id total          output so far (all of it is in the log)
//   I id bytes       input to the task's stdin   e id at message     writing the log failed at byte `at`
//   C id             close its stdin             x id code signal    the wrapper exited ('-' for none)
//   (flags: 1 persistent, n make the pid namespace here; argv is then the shell and the command)
//   D id             stop draining its output    c id total          its output closed (everything drained)
//   R secret…        hide these in every log     f id message        could not start
//
// A task's stdout and stderr are one pipe the supervisor drains straight into the log file, up to the cap;
// past the cap the latest bytes go round a ring file `<log>.tail`; so output never passes through tandem's heap.
// A persistent task gets a keeper: a forked copy of the supervisor in a session of its own that drains that one
// task, writes `<log>.exit` when it ends and outlives tandem; while tandem runs, its messages are relayed.
// The supervisor exits when tandem closes the pipe; it is started under setpriv --pdeathsig as well.
export const TAIL_RING_BYTES = 64 * 1024;

export const SUPERVISOR_SCRIPT = String.raw`
use strict; no warnings;
use POSIX ();
use Fcntl qw(F_GETFL F_SETFL O_NONBLOCK O_WRONLY O_CREAT O_TRUNC);
my $RING = ${TAIL_RING_BYTES};
my ($SYS_UNSHARE, $SYS_PRCTL, $SYS_CLOSE_RANGE) = map { $_ + 0 } @ARGV;
my (%env, %t, %bypid, %keeper, %relay);
my $sink = \*STDOUT; my $sinkfd = 1; my $out = '';
my $cmdopen = 1; my $cmdbuf = ''; my $keeping;
my $chld = 0;
my @secrets; my $maxsec = 0;
$SIG{CHLD} = sub { $chld = 1 };
$SIG{PIPE} = 'IGNORE';
sub say_ { $out .= join(' ', @_) . "\n" }
sub flush_out {
  while (length $out) {
    my $n = syswrite($sink, $out);
    if (!defined $n) { next if $!{EINTR}; $out = ''; return } # tandem is gone: a keeper goes on alone
    substr($out, 0, $n) = '';
  }
}
sub hex_ { unpack('H*', $_[0]) }
sub unhex { pack('H*', $_[0]) }
sub nonblock { my $fl = fcntl($_[0], F_GETFL, 0); fcntl($_[0], F_SETFL, $fl | O_NONBLOCK) }
sub write_all {
  my ($fh, $buf) = @_;
  while (length $buf) {
    my $n = syswrite($fh, $buf);
    if (!defined $n) { next if $!{EINTR}; return $! }
    substr($buf, 0, $n) = '';
  }
  return undef;
}
sub start_task {
  my ($id, $envkey, $cwd, $log, $cap, $flags, $token, @argv) = @_;
  my $persistent = index($flags, '1') >= 0;
  my $native = index($flags, 'n') >= 0;
  my $envp = { %{ $env{$envkey} || {} }, TANDEM_TASK_TOKEN => $token };
  my $logfh;
  unless (sysopen($logfh, $log, O_WRONLY | O_CREAT | O_TRUNC, 0600)) { say_('f', $id, hex_("cannot open the log $log: $!")); return }
  if ($persistent) {
    pipe(my $kr, my $kw) or do { say_('f', $id, hex_("pipe: $!")); return };
    my $pid = fork();
    if (!defined $pid) { say_('f', $id, hex_("fork: $!")); return }
    if ($pid == 0) { close $kr; become_keeper($kw, $id, $envp, $cwd, $logfh, $log, $cap, $native, @argv) }
    close $kw; close $logfh; nonblock($kr);
    $keeper{$pid} = $id; $relay{$id} = { fh => $kr, buf => '' };
    return;
  }
  spawn_task($id, $envp, $cwd, $logfh, $log, $cap, 0, $native, @argv);
}
sub spawn_task {
  my ($id, $envp, $cwd, $logfh, $log, $cap, $noinput, $native, @argv) = @_;
  pipe(my $r, my $w) or do { say_('f', $id, hex_("pipe: $!")); return };
  my ($ir, $iw);
  if ($noinput) { open($ir, '<', '/dev/null') } else { pipe($ir, $iw) or do { say_('f', $id, hex_("pipe: $!")); return } }
  my $pid = fork();
  if (!defined $pid) { say_('f', $id, hex_("fork: $!")); return }
  if ($pid == 0) {
    POSIX::setsid();
    POSIX::dup2(fileno($ir), 0); POSIX::dup2(fileno($w), 1); POSIX::dup2(fileno($w), 2);
    unless (chdir $cwd) { syswrite(STDOUT, "[tandem: failed to start: cannot enter $cwd: $!]\n"); POSIX::_exit(127) }
    %ENV = %$envp;
    $SIG{CHLD} = 'DEFAULT'; $SIG{PIPE} = 'DEFAULT';
    native_namespace(@argv) if $native;
    exec { $argv[0] } @argv;
    syswrite(STDOUT, "[tandem: failed to start: $argv[0]: $!]\n");
    POSIX::_exit(127);
  }
  close $w; close $ir;
  nonblock($r); nonblock($iw) if $iw;
  $t{$id} = { pid => $pid, out => $r, in => $iw, inbuf => '', endin => 0, log => $logfh, logpath => $log, cap => $cap,
              total => 0, cut => 0, dirty => 0, closed => 0, exited => 0 };
  $bypid{$pid} = $id;
  say_('s', $id, $pid);
}
# What \`setpriv --pdeathsig KILL unshare --pid --fork --kill-child sh -c INIT\` does (isolation.ts), without
# three execs: this process dies with its parent, makes a pid namespace and forks its PID 1, which runs the
# command as an ordinary child (default-action signals sent to a PID 1 are dropped) and exits with its status,
# 128+N for a signal as a shell reports it; everything else in the namespace dies with PID 1.
sub native_namespace {
  my ($shell, $command) = @_;
  # Close every inherited descriptor but 0-2 (close_range; else the known ones): nothing of other tasks stays open.
  if (syscall($SYS_CLOSE_RANGE, 3, 0x7fffffff, 0) != 0) {
    for my $o (values %t) { for my $k (qw(out in log tail)) { POSIX::close(fileno($o->{$k})) if $o->{$k} } }
    POSIX::close(fileno($_->{fh})) for values %relay;
  }
  syscall($SYS_PRCTL, 1, 9, 0, 0, 0);
  if (syscall($SYS_UNSHARE, 0x20000000) != 0) { syswrite(STDOUT, "[tandem: failed to start: unshare: $!]\n"); POSIX::_exit(127) }
  # As unshare --fork does: the waiting parent ignores TERM and INT (they are for the task's processes).
  $SIG{TERM} = $SIG{INT} = 'IGNORE';
  my $init = fork();
  if (!defined $init) { syswrite(STDOUT, "[tandem: failed to start: fork: $!]\n"); POSIX::_exit(127) }
  if ($init == 0) {
    syscall($SYS_PRCTL, 1, 9, 0, 0, 0);
    $SIG{$_} = sub {} for qw(TERM INT HUP QUIT);
    my $cmd = fork();
    if (defined $cmd && $cmd == 0) {
      $SIG{$_} = 'DEFAULT' for qw(TERM INT HUP QUIT);
      exec { $shell } $shell, '-c', $command;
      syswrite(STDOUT, "[tandem: failed to start: $shell: $!]\n");
      POSIX::_exit(127);
    }
    POSIX::_exit(127) unless defined $cmd;
    my $st = 0;
    for (;;) { my $w = waitpid(-1, 0); if ($w == $cmd) { $st = $?; last } last if $w < 0 }
    POSIX::_exit(($st & 127) ? 128 + ($st & 127) : $st >> 8);
  }
  my $st = 0;
  for (;;) { my $w = waitpid($init, 0); if ($w == $init) { $st = $?; last } last if $w < 0 && !$!{EINTR} }
  if ($st & 127) { my $sig = $st & 127; kill($sig, $$); POSIX::_exit(128 + $sig) }
  POSIX::_exit($st >> 8);
}
sub become_keeper {
  my ($kw, $id, $envp, $cwd, $logfh, $log, $cap, $native, @argv) = @_;
  # Only this task's log and the relay pipe stay open: nothing of tandem's or of the other tasks.
  for my $o (values %t) { close $o->{out} if $o->{out}; close $o->{in} if $o->{in}; close $o->{log} if $o->{log} }
  close $_->{fh} for values %relay;
  %t = (); %bypid = (); %keeper = (); %relay = (); %env = ();
  close STDIN; $cmdopen = 0;
  $sink = $kw; $out = '';
  POSIX::setsid();
  $keeping = $id;
  spawn_task($id, $envp, $cwd, $logfh, $log, $cap, 1, $native, @argv);
  flush_out();
  POSIX::_exit(1) unless %t;
  main_loop();
  POSIX::_exit(0);
}
# Known secrets become [REDACTED] on their way into the log; a tail that could begin one waits for the next read
# (the same rule as stream-redactor.ts).
sub redact_ {
  my ($o, $buf) = @_;
  return $buf unless @secrets;
  my $s = ($o->{held} // '') . $buf;
  for my $sec (@secrets) { $s =~ s/\Q$sec\E/[REDACTED]/g }
  my $hold = 0;
  for (my $n = ($maxsec - 1 < length($s) ? $maxsec - 1 : length($s)); $n > 0; $n--) {
    my $tail = substr($s, -$n);
    if (grep { length($_) > $n && substr($_, 0, $n) eq $tail } @secrets) { $hold = $n; last }
  }
  $o->{held} = $hold ? substr($s, -$hold) : '';
  return $hold ? substr($s, 0, length($s) - $hold) : $s;
}
sub log_bytes {
  my ($o, $id, $buf) = @_;
  my $start = $o->{total};
  $o->{total} += length $buf;
  $o->{dirty} = 1;
  if (!$o->{cut}) {
    if ($o->{total} <= $o->{cap}) {
      my $err = write_all($o->{log}, $buf);
      return unless defined $err;
      $o->{cut} = 1; say_('e', $id, $start, hex_("$err")); open_tail($o, $start);
    } else {
      my $keep = $o->{cap} - $start;
      write_all($o->{log}, substr($buf, 0, $keep)) if $keep > 0;
      write_all($o->{log}, "\n[tandem: log cut at $o->{cap} bytes; later output is not kept on disk, the latest is shown in reports]\n");
      $o->{cut} = 1;
      open_tail($o, $o->{cap});
      $buf = substr($buf, $keep); $start = $o->{cap};
    }
  }
  return unless $o->{tail};
  # The ring holds stream bytes from the cut on, each at (offset - cut) mod RING.
  if (length($buf) > $RING) { $start += length($buf) - $RING; $buf = substr($buf, -$RING) }
  my $pos = ($start - $o->{cutat}) % $RING;
  my $first = $RING - $pos;
  sysseek($o->{tail}, $pos, 0); write_all($o->{tail}, substr($buf, 0, $first));
  if (length($buf) > $first) { sysseek($o->{tail}, 0, 0); write_all($o->{tail}, substr($buf, $first)) }
}
sub open_tail {
  my ($o, $at) = @_;
  $o->{cutat} = $at;
  my $fh; $o->{tail} = $fh if sysopen($fh, "$o->{logpath}.tail", O_WRONLY | O_CREAT | O_TRUNC, 0600);
}
sub close_out {
  my ($id) = @_;
  my $o = $t{$id};
  return if !$o || $o->{closed};
  if (length($o->{held} // '')) { my $h = $o->{held}; $o->{held} = ''; log_bytes($o, $id, $h) }
  close $o->{out}; $o->{out} = undef; $o->{closed} = 1;
  say_('o', $id, $o->{total}) if $o->{dirty};
  $o->{dirty} = 0;
  say_('c', $id, $o->{total});
  forget($id);
}
sub forget {
  my ($id) = @_;
  my $o = $t{$id};
  return unless $o && $o->{closed} && $o->{exited};
  close $o->{log}; close $o->{tail} if $o->{tail}; close $o->{in} if $o->{in};
  delete $t{$id};
  finish_keeper($o) if defined $keeping;
}
sub finish_keeper {
  my ($o) = @_;
  my $file = "$o->{logpath}.exit";
  if (open(my $fh, '>', "$file.tmp")) { print $fh "$o->{status} " . time() . " $o->{total}\n"; close $fh; rename("$file.tmp", $file) }
  flush_out();
  POSIX::_exit(0);
}
sub reap {
  $chld = 0;
  while ((my $pid = waitpid(-1, POSIX::WNOHANG())) > 0) {
    my $st = $?;
    my ($code, $sig) = ($st & 127) ? ('-', $st & 127) : ($st >> 8, '-');
    if (defined(my $id = delete $bypid{$pid})) {
      my $o = $t{$id};
      say_('x', $id, $code, $sig);
      next unless $o;
      $o->{exited} = 1; $o->{status} = "$code $sig"; $o->{exitedat} = time();
      forget($id);
    } elsif (defined(my $kid = delete $keeper{$pid})) {
      relay($kid, 1);
      say_('K', $kid, $code, $sig);
    }
  }
}
sub relay {
  my ($id, $final) = @_;
  my $r = $relay{$id} or return;
  for (;;) {
    my $n = sysread($r->{fh}, my $buf, 65536);
    if (!defined $n) { last if $!{EAGAIN} || !$final; next if $!{EINTR}; last }
    if ($n == 0) { close $r->{fh}; delete $relay{$id}; last }
    $r->{buf} .= $buf;
  }
  my $cut = rindex($r->{buf}, "\n");
  if ($cut >= 0) { $out .= substr($r->{buf}, 0, $cut + 1); substr($r->{buf}, 0, $cut + 1) = '' }
  if ($final && $relay{$id}) { close $r->{fh}; delete $relay{$id} }
}
sub command {
  my ($line) = @_;
  my ($op, @f) = split / /, $line;
  if ($op eq 'S') {
    my ($id, $envkey, $cwd, $log, $cap, $flags, $token, @argv) = @f;
    start_task($id, $envkey, unhex($cwd), unhex($log), $cap, $flags, $token, map { unhex($_) } @argv);
  } elsif ($op eq 'E') {
    my ($key, @kv) = @f;
    my %e; for (@kv) { my ($k, $v) = split /=/, unhex($_), 2; $e{$k} = $v } $env{$key} = \%e;
  } elsif ($op eq 'I') {
    my $o = $t{$f[0]}; $o->{inbuf} .= unhex($f[1]) if $o && $o->{in};
  } elsif ($op eq 'C') {
    my $o = $t{$f[0]}; $o->{endin} = 1 if $o;
  } elsif ($op eq 'D') {
    close_out($f[0]);
  } elsif ($op eq 'R') {
    @secrets = sort { length($b) <=> length($a) } (@secrets, map { unhex($_) } @f);
    $maxsec = length $secrets[0];
  }
}
sub main_loop {
  for (;;) {
    reap() if $chld;
    for my $id (keys %t) {
      my $o = $t{$id};
      if ($o->{in} && !length($o->{inbuf}) && $o->{endin}) { close $o->{in}; $o->{in} = undef }
      # A keeper alone gives leftover holders of the pipe a little while once the task has exited.
      close_out($id) if defined $keeping && $o->{exited} && !$o->{closed} && time() - $o->{exitedat} >= 2;
    }
    flush_out();
    return if !$cmdopen && !%t && !%keeper && !defined $keeping;
    my ($rin, $win) = ('', '');
    vec($rin, 0, 1) = 1 if $cmdopen;
    for my $o (values %t) {
      vec($rin, fileno($o->{out}), 1) = 1 if $o->{out};
      vec($win, fileno($o->{in}), 1) = 1 if $o->{in} && length $o->{inbuf};
    }
    vec($rin, fileno($_->{fh}), 1) = 1 for values %relay;
    # The timeout only covers a SIGCHLD that lands between the reap above and select below.
    my $n = select(my $rout = $rin, my $wout = $win, undef, (%bypid || %keeper) ? 0.02 : undef);
    next if $n <= 0;
    if ($cmdopen && vec($rout, 0, 1)) {
      my $got = sysread(STDIN, my $buf, 262144);
      if (defined $got && $got == 0) { $cmdopen = 0; return }
      if ($got) {
        $cmdbuf .= $buf;
        while ((my $i = index($cmdbuf, "\n")) >= 0) { my $line = substr($cmdbuf, 0, $i); substr($cmdbuf, 0, $i + 1) = ''; command($line) }
      }
    }
    for my $id (keys %t) {
      my $o = $t{$id} or next;
      if ($o->{in} && vec($wout, fileno($o->{in}), 1)) {
        my $w = syswrite($o->{in}, $o->{inbuf});
        if (defined $w) { substr($o->{inbuf}, 0, $w) = '' } elsif (!$!{EAGAIN}) { close $o->{in}; $o->{in} = undef; $o->{inbuf} = '' }
      }
      next unless $o->{out} && vec($rout, fileno($o->{out}), 1);
      my $got = sysread($o->{out}, my $buf, 262144);
      if (!defined $got) { next if $!{EAGAIN} || $!{EINTR}; close_out($id); next }
      if ($got == 0) { close_out($id); next }
      my $clean = redact_($o, $buf);
      log_bytes($o, $id, $clean) if length $clean;
    }
    for my $id (keys %relay) { relay($id, 0) if vec($rout, fileno($relay{$id}{fh}), 1) }
    # A fast writer is reported every few MiB, anything else as soon as its pipe runs dry.
    my $more = select(my $again = $rin, undef, undef, 0) > 0;
    for my $id (keys %t) {
      my $o = $t{$id};
      next unless $o->{dirty} && (!$more || $o->{total} - ($o->{reported} // 0) >= 4194304);
      say_('o', $id, $o->{total}); $o->{dirty} = 0; $o->{reported} = $o->{total};
    }
  }
}
main_loop();
`;
