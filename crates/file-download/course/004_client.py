# The course's second file-download client (notes 004, 支持多个用户同时下载), kept as the
# course writes it, flaws included: `send` whose return value is not checked, each chunk
# decoded as UTF-8 to look for `no_file` (a binary file, or a character cut between two
# chunks, raises UnicodeDecodeError; a file whose content is `no_file` is taken for an
# error), the file reopened in append mode for every chunk (a second download of the same
# name is added to the first), and a transfer cut halfway saved as if it were whole.
# Changed, so that tests can run it on any machine:
# - it connects to 127.0.0.1 on the port given as its first argument
#   (`python3 004_client.py PORT`), instead of 192.168.1.69:7891.
# The file name is still read with input(), and saved as `[新]NAME` in the current
# directory, as in the course.
'''
1. 建立客户端tcp连接
2. 与服务端建立连接 connect
3. 向服务端发送内容 send
4. 接收服务端内容 recv
5. 关闭客户端tcp close
'''
import socket
import sys

# TODO 1.创建客户端tcp套接字
tcp_client_socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)

# TODO 2.与服务端建立链接
tcp_client_socket.connect(('127.0.0.1', int(sys.argv[1])))

file_name = input('文件名:')
# TODO 3.向服务端发送内容
tcp_client_socket.send(file_name.encode('utf-8'))

# TODO 4.循环接收内容
while True:
    # TODO 5.接收客户端内容
    server_data = tcp_client_socket.recv(1024)
    if not server_data:
        # TODO 6.判断返回的内容是否为空,关闭循环
        break
    elif server_data.decode('utf-8') == 'no_file':
        # TODO 7.服务端没有找到该文件
        print('暂时没有您需要下载的资源')
        break

    # TODO 8.追加写入文件内容
    with open('[新]%s' % file_name, 'ab') as f:
        f.write(server_data)

# TODO 9.关闭客户端tcp
tcp_client_socket.close()
