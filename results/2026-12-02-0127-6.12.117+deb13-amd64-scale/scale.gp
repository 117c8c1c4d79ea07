$ipis0 << EOD
2 2.93
4 8.79
8 20.51
EOD
$time0 << EOD
1 20181
2 19333
4 19373
8 17853
EOD
$ipis1 << EOD
2 1.95
4 5.86
8 13.67
EOD
$time1 << EOD
1 14759
2 12694
4 9631
8 11112
EOD
$ipis2 << EOD
2 979.49
4 3012.7
8 7068.36
EOD
$time2 << EOD
1 18191
2 61326
4 151102
8 235439
EOD
$ipis3 << EOD
2 991.21
4 3000
8 6999.02
EOD
$time3 << EOD
1 48949
2 125862
4 251217
8 306833
EOD
$ipis4 << EOD
EOD
$time4 << EOD
1 9709
2 10032
4 9644
8 9700
EOD
set terminal svg size 720,420 dynamic font "sans,11" noenhanced
set key outside right
set grid
set xlabel "vCPUs"
set xtics (1, 2, 4, 8)
set xrange [0.5:8.5]
set output "scale-ipis.svg"
set title "6.12.117+deb13-amd64: kernel TLB-flush IPIs per 1000 pages, cold, seq"
set logscale y
set yrange [0.5:*]
set ylabel "flush IPIs / 1000 pages (log)"
plot $ipis0 using 1:2 with linespoints title "range", $ipis1 using 1:2 with linespoints title "range-user", $ipis2 using 1:2 with linespoints title "no-cache", $ipis3 using 1:2 with linespoints title "memfd_secret"
set output "scale-time.svg"
set title "6.12.117+deb13-amd64: warm time per page, seq (TCG)"
set yrange [1000:*]
set ylabel "ns / page (log)"
plot $time0 using 1:2 with linespoints title "range", $time1 using 1:2 with linespoints title "range-user", $time2 using 1:2 with linespoints title "no-cache", $time3 using 1:2 with linespoints title "memfd_secret", $time4 using 1:2 with linespoints title "alloc_pages"
